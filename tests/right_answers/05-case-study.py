"""Correct answers written differently from the key, for 05-case-study (see README.md)."""

_NB = ('def earlier_on_code(number):\n    return _nb(number, False)\n'
       'def later_on_code(number):\n    return _nb(number, True)\n')

RIGHT = {
    "q1-answer": [
        ("loop over CASE", 'rows = []\n'
         'for n in CASE:\n'
         '    r = raw[raw["Submission Number"] == n].iloc[0]\n'
         '    p = "De Novo" if n[:3] == "DEN" else ("510(k)" if n[0] == "K" else "PMA")\n'
         '    rows.append({"Submission Number": n, "Device": r["Device"], "Primary Product Code": r["Primary Product Code"],'
         ' "decision_date": pd.to_datetime(r["Date of Final Decision"], format="%m/%d/%Y"), "pathway": p})\n'
         'case_rows = pd.DataFrame(rows)'),
        ("extra columns kept", 'case_rows = raw.set_index("Submission Number").loc[CASE].reset_index()\n'
         'case_rows["decision_date"] = pd.to_datetime(case_rows["Date of Final Decision"], format="%m/%d/%Y")\n'
         'case_rows["pathway"] = case_rows["Submission Number"].str.extract(r"^(DEN|K|P)")[0].map({"DEN": "De Novo", "K": "510(k)", "P": "PMA"})'),
        ("assign with np.select", 'import numpy as np\n'
         '_c = raw[raw["Submission Number"].isin(CASE)]\n'
         '_n = _c["Submission Number"]\n'
         'case_rows = _c.assign(decision_date=pd.to_datetime(_c["Date of Final Decision"], format="%m/%d/%Y"),'
         ' pathway=np.select([_n.str.startswith("DEN"), _n.str.startswith("K")], ["De Novo", "510(k)"], "PMA"))'),
    ],
    "q2-answer": [
        ("merge on code", '_dates = pd.to_datetime(raw["Date of Final Decision"], format="%m/%d/%Y")\n'
         '_t = raw.assign(d=_dates)\n'
         'def _nb(number, after):\n'
         '    me = _t[_t["Submission Number"] == number].iloc[0]\n'
         '    same = _t[_t["Primary Product Code"] == me["Primary Product Code"]]\n'
         '    return sorted(same.loc[same.d > me.d if after else same.d < me.d, "Submission Number"].tolist())\n' + _NB),
        ("groupby code", '_t = raw.assign(d=pd.to_datetime(raw["Date of Final Decision"], format="%m/%d/%Y"))\n'
         '_by = {k: g for k, g in _t.groupby("Primary Product Code")}\n'
         'def _nb(number, after):\n'
         '    me = _t.loc[_t["Submission Number"] == number].iloc[0]\n'
         '    g = _by[me["Primary Product Code"]]\n'
         '    return sorted(g.query("d > @me.d" if after else "d < @me.d")["Submission Number"])\n' + _NB),
        ("two plain functions", '_d = dict(zip(raw["Submission Number"], pd.to_datetime(raw["Date of Final Decision"], format="%m/%d/%Y")))\n'
         '_code = dict(zip(raw["Submission Number"], raw["Primary Product Code"]))\n'
         'def earlier_on_code(number):\n'
         '    return sorted(n for n in _d if _code[n] == _code[number] and _d[n] < _d[number])\n'
         'def later_on_code(number):\n'
         '    return sorted(n for n in _d if _code[n] == _code[number] and _d[n] > _d[number])'),
    ],
    "q3-answer": [
        ("higher reading throughout", 'classification = {"K252360": {"imdrf": "III", "mdr_class": "IIb", "ai_act_high_risk": True},'
         ' "DEN180001": {"imdrf": "III", "mdr_class": "III", "ai_act_high_risk": True}, "P160009": {"imdrf": "III", "mdr_class": "III", "ai_act_high_risk": True}}'),
        ("lower defensible reading", 'classification = {"K252360": {"imdrf": "II", "mdr_class": "IIa", "ai_act_high_risk": True},'
         ' "DEN180001": {"imdrf": "II", "mdr_class": "IIb", "ai_act_high_risk": True}, "P160009": {"imdrf": "II", "mdr_class": "IIb", "ai_act_high_risk": True}}'),
        ("built with a rule", 'classification = {}\n'
         'for n, (im, mdr) in {"K252360": ("II", "IIb"), "DEN180001": ("III", "IIb"), "P160009": ("III", "IIb")}.items():\n'
         '    classification[n] = {"imdrf": im, "mdr_class": mdr, "ai_act_high_risk": mdr != "I"}'),
    ],
    "q6-answer": [
        ("with a nurse", 'team_roles = {"physician", "nurse", "informaticist", "data_scientist"}'),
        ("as a list", 'team_roles = ["data_scientist", "informaticist", "physician"]'),
        ("from role_skills", 'team_roles = set(role_skills["role"].astype(str)) - {"nurse"}'),
    ],
    "q7-answer": [
        ("merge", '_m = requirements[requirements.framework_id.isin(CASE_FRAMEWORKS)][["topic"]].drop_duplicates().merge(skills[["skill_id", "topic"]], on="topic")\n'
         '_have = role_skills.query("priority == \'core\'")\n'
         '_have = set(_have.loc[_have.role.astype(str).isin(list(team_roles)), "skill_id"])\n'
         'team_gaps = sorted(set(_m.skill_id) - _have)'),
        ("loops", '_t = {r.topic for r in requirements.itertuples() if r.framework_id in CASE_FRAMEWORKS}\n'
         '_have = {r.skill_id for r in role_skills.itertuples() if r.role in team_roles and r.priority == "core"}\n'
         'team_gaps = sorted(s.skill_id for s in skills.itertuples() if s.topic in _t and s.skill_id not in _have)'),
        ("isin chain", '_need = skills[skills.topic.isin(requirements.loc[requirements.framework_id.isin(CASE_FRAMEWORKS), "topic"])]\n'
         '_core = role_skills[(role_skills.priority == "core") & role_skills.role.isin(list(team_roles))]\n'
         'team_gaps = _need.loc[~_need.skill_id.isin(_core.skill_id), "skill_id"].sort_values().tolist()'),
    ],
}
