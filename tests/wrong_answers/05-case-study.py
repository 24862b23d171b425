"""Plausible wrong answers for 05-case-study (see README.md)."""

_ROWS = ('case_rows = raw[raw["Submission Number"].isin(CASE)].copy()\n'
         'case_rows["pathway"] = case_rows["Submission Number"].map(lambda n: "De Novo" if n.startswith("DEN") else ("510(k)" if n.startswith("K") else "PMA"))\n')
_NB = ('_dates = pd.to_datetime(raw["Date of Final Decision"], format="%m/%d/%Y")\n'
       'def earlier_on_code(number):\n    return _nb(number, False)\n'
       'def later_on_code(number):\n    return _nb(number, True)\n')


def _cls(k, d, p):
    return ('classification = {"K252360": ' + k + ', "DEN180001": ' + d + ', "P160009": ' + p + '}')


_OK = '{"imdrf": "III", "mdr_class": "IIb", "ai_act_high_risk": True}'

WRONG = {
    "q1-answer": [
        ("day and month swapped", _ROWS + 'case_rows["decision_date"] = pd.to_datetime(case_rows["Date of Final Decision"], format="%d/%m/%Y", errors="coerce")'),
        ("PMA read as De Novo", 'case_rows = raw[raw["Submission Number"].isin(CASE)].copy()\n'
         'case_rows["decision_date"] = pd.to_datetime(case_rows["Date of Final Decision"], format="%m/%d/%Y")\n'
         'case_rows["pathway"] = case_rows["Submission Number"].map(lambda n: "510(k)" if n.startswith("K") else "De Novo")'),
        ("dates left as text", _ROWS + 'case_rows["decision_date"] = case_rows["Date of Final Decision"]'),
        ("every device with a case product code", '_codes = set(raw.loc[raw["Submission Number"].isin(CASE), "Primary Product Code"])\n'
         'case_rows = raw[raw["Primary Product Code"].isin(_codes)].copy()\n'
         'case_rows["decision_date"] = pd.to_datetime(case_rows["Date of Final Decision"], format="%m/%d/%Y")\n'
         'case_rows["pathway"] = case_rows["Submission Number"].map(lambda n: "De Novo" if n.startswith("DEN") else ("510(k)" if n.startswith("K") else "PMA"))'),
        ("pathway in lower case", _ROWS.replace('"De Novo"', '"de novo"') + 'case_rows["decision_date"] = pd.to_datetime(case_rows["Date of Final Decision"], format="%m/%d/%Y")'),
    ],
    "q2-answer": [
        ("the device itself included", _NB.replace('_dates =', 'def _nb(number, after):\n'
         '    row = raw["Submission Number"] == number\n'
         '    code, when = raw.loc[row, "Primary Product Code"].iloc[0], _dates[row].iloc[0]\n'
         '    keep = (raw["Primary Product Code"] == code) & ((_dates >= when) if after else (_dates <= when))\n'
         '    return sorted(raw.loc[keep, "Submission Number"])\n_dates =')),
        ("dates compared as text", 'def _nb(number, after):\n'
         '    row = raw["Submission Number"] == number\n'
         '    code, when = raw.loc[row, "Primary Product Code"].iloc[0], raw.loc[row, "Date of Final Decision"].iloc[0]\n'
         '    d = raw["Date of Final Decision"]\n'
         '    keep = (raw["Primary Product Code"] == code) & ((d > when) if after else (d < when))\n'
         '    return sorted(raw.loc[keep, "Submission Number"])\n' + _NB),
        ("same company instead of same code", 'def _nb(number, after):\n'
         '    row = raw["Submission Number"] == number\n'
         '    co, when = raw.loc[row, "Company"].iloc[0], _dates[row].iloc[0]\n'
         '    keep = (raw["Company"] == co) & ((_dates > when) if after else (_dates < when))\n'
         '    return sorted(raw.loc[keep, "Submission Number"])\n' + _NB),
        ("before and after swapped", 'def _nb(number, after):\n'
         '    row = raw["Submission Number"] == number\n'
         '    code, when = raw.loc[row, "Primary Product Code"].iloc[0], _dates[row].iloc[0]\n'
         '    keep = (raw["Primary Product Code"] == code) & ((_dates < when) if after else (_dates > when))\n'
         '    return sorted(raw.loc[keep, "Submission Number"])\n' + _NB),
        ("only 510(k)s counted", 'def _nb(number, after):\n'
         '    row = raw["Submission Number"] == number\n'
         '    code, when = raw.loc[row, "Primary Product Code"].iloc[0], _dates[row].iloc[0]\n'
         '    keep = (raw["Primary Product Code"] == code) & raw["Submission Number"].str.startswith("K") & ((_dates > when) if after else (_dates < when))\n'
         '    return sorted(raw.loc[keep, "Submission Number"])\n' + _NB),
    ],
    "q3-answer": [
        ("US class read as MDR class (PMA = III, 510(k) = II)",
         _cls('{"imdrf": "II", "mdr_class": "II", "ai_act_high_risk": True}', _OK, '{"imdrf": "III", "mdr_class": "III", "ai_act_high_risk": True}')),
        ("autonomous screening called low risk",
         _cls('{"imdrf": "II", "mdr_class": "IIa", "ai_act_high_risk": True}', '{"imdrf": "I", "mdr_class": "IIa", "ai_act_high_risk": True}', '{"imdrf": "III", "mdr_class": "III", "ai_act_high_risk": True}')),
        ("not high-risk before the AI Act dates apply",
         _cls('{"imdrf": "II", "mdr_class": "IIa", "ai_act_high_risk": False}', '{"imdrf": "III", "mdr_class": "IIb", "ai_act_high_risk": False}', '{"imdrf": "III", "mdr_class": "III", "ai_act_high_risk": False}')),
        ("cancer-detection aid put in class I",
         _cls('{"imdrf": "II", "mdr_class": "IIa", "ai_act_high_risk": True}', _OK, '{"imdrf": "II", "mdr_class": "I", "ai_act_high_risk": False}')),
        ("IMDRF category in lower case or Arabic numerals",
         _cls('{"imdrf": "2", "mdr_class": "IIa", "ai_act_high_risk": True}', '{"imdrf": "iii", "mdr_class": "IIb", "ai_act_high_risk": True}', '{"imdrf": "3", "mdr_class": "III", "ai_act_high_risk": True}')),
    ],
    "q6-answer": [
        ("no clinician", 'team_roles = {"informaticist", "data_scientist"}'),
        ("data scientists only", 'team_roles = {"data_scientist"}'),
        ("no one to run the systems", 'team_roles = {"physician", "data_scientist", "nurse"}'),
        ("title case", 'team_roles = {"Physician", "Informaticist", "Data_scientist"}'),
    ],
    "q7-answer": [
        ("useful skills counted as held", '_t = set(requirements.loc[requirements["framework_id"].isin(CASE_FRAMEWORKS), "topic"])\n'
         '_have = set(role_skills.loc[role_skills["role"].isin(list(team_roles)), "skill_id"])\n'
         'team_gaps = sorted(set(skills.loc[skills["topic"].isin(_t), "skill_id"]) - _have)'),
        ("every framework's topics", '_t = set(requirements["topic"])\n'
         '_have = set(role_skills.loc[role_skills["role"].isin(list(team_roles)) & (role_skills["priority"] == "core"), "skill_id"])\n'
         'team_gaps = sorted(set(skills.loc[skills["topic"].isin(_t), "skill_id"]) - _have)'),
        ("the covered skills instead of the gaps", '_t = set(requirements.loc[requirements["framework_id"].isin(CASE_FRAMEWORKS), "topic"])\n'
         '_have = set(role_skills.loc[role_skills["role"].isin(list(team_roles)) & (role_skills["priority"] == "core"), "skill_id"])\n'
         'team_gaps = sorted(set(skills.loc[skills["topic"].isin(_t), "skill_id"]) & _have)'),
        ("one role only", '_t = set(requirements.loc[requirements["framework_id"].isin(CASE_FRAMEWORKS), "topic"])\n'
         '_have = set(role_skills.loc[(role_skills["role"] == sorted(team_roles)[0]) & (role_skills["priority"] == "core"), "skill_id"])\n'
         'team_gaps = sorted(set(skills.loc[skills["topic"].isin(_t), "skill_id"]) - _have)'),
    ],
}
