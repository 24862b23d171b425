"""Correct answers written differently from the key, for 03b-skills-to-frameworks (see README.md)."""

_H = 'def imdrf_category(situation, significance, lay_user=False):\n'
_OBL = 'def obligations_on(date, mdr_class, high_risk_articles, omnibus=True):\n'
_RF = 'def requirements_for(roles, jurisdictions, on_date):\n'
_CASE = ('\ncase_requirements = requirements_for(startup_roles, {"EU", "International"}, TODAY)\n'
         'later_requirements = [r for r in requirements_for(startup_roles, {"EU", "International"}, "2028-08-02") if r not in case_requirements]')

RIGHT = {
    "q1-answer": [
        ("dict lookup", _H + '    table = {(str(r.situation), str(r.significance)): str(r.category) for r in imdrf.itertuples()}\n'
         '    if lay_user and situation == "serious":\n        situation = "critical"\n'
         '    return table[(situation, significance)]'),
        ("set_index", _H + '    sit = "critical" if (lay_user and situation == "serious") else situation\n'
         '    return str(imdrf.astype(str).set_index(["situation", "significance"]).loc[(sit, significance), "category"])'),
        ("the matrix typed from N12", _H + '    m = {"critical": ["IV", "III", "II"], "serious": ["III", "II", "I"], "non_serious": ["II", "I", "I"]}\n'
         '    col = ["treat_or_diagnose", "drive_clinical_management", "inform_clinical_management"].index(significance)\n'
         '    return m["critical" if lay_user and situation == "serious" else situation][col]'),
    ],
    "q2-answer": [
        ("nested ifs", 'def rule11_class(purpose, consequence):\n'
         '    if purpose == "diagnosis_or_therapy":\n'
         '        if consequence == "death_or_irreversible":\n            return "III"\n'
         '        if consequence == "serious_or_surgery":\n            return "IIb"\n'
         '        return "IIa"\n'
         '    if purpose == "monitoring":\n'
         '        if consequence == "vital_immediate_danger":\n            return "IIb"\n'
         '        return "IIa"\n'
         '    return "I"'),
        ("table", 'def rule11_class(purpose, consequence):\n'
         '    t = {("diagnosis_or_therapy", "death_or_irreversible"): "III", ("diagnosis_or_therapy", "serious_or_surgery"): "IIb",\n'
         '         ("monitoring", "vital_immediate_danger"): "IIb"}\n'
         '    return t.get((purpose, consequence), "IIa" if purpose in ("diagnosis_or_therapy", "monitoring") else "I")'),
        ("match", 'def rule11_class(purpose, consequence):\n'
         '    match (purpose, consequence):\n'
         '        case ("diagnosis_or_therapy", "death_or_irreversible"):\n            return "III"\n'
         '        case ("diagnosis_or_therapy", "serious_or_surgery") | ("monitoring", "vital_immediate_danger"):\n            return "IIb"\n'
         '        case ("diagnosis_or_therapy", _) | ("monitoring", _):\n            return "IIa"\n'
         '    return "I"'),
    ],
    "q3-answer": [
        ("not class I", 'def ai_act_high_risk(mdr_class):\n    return mdr_class != "I"'),
        ("bool of membership list", 'def ai_act_high_risk(mdr_class):\n    return bool(mdr_class in ["IIa", "IIb", "III"])'),
        ("startswith II or III", 'def ai_act_high_risk(mdr_class):\n    return mdr_class.startswith("II")'),
    ],
    "q4-answer": [
        ("loop", 'provider_high_risk_articles = []\n'
         'for r in requirements.itertuples():\n'
         '    if (r.framework_id == "eu_ai_act" and "provider" in r.applies_to.split(";") and str(r.applies_from.date()) == ANNEX_I_HIGH_RISK_OMNIBUS\n'
         '            and r.topic != "regulatory_classification" and r.reference not in provider_high_risk_articles):\n'
         '        provider_high_risk_articles.append(r.reference)\n'
         'provider_high_risk_articles.sort(key=article_number)'),
        ("query and unique", '_r = requirements.query("framework_id == \'eu_ai_act\' and topic != \'regulatory_classification\'")\n'
         '_r = _r[_r.applies_to.str.contains(r"\\bprovider\\b") & (_r.applies_from == pd.Timestamp(ANNEX_I_HIGH_RISK_OMNIBUS))]\n'
         'provider_high_risk_articles = sorted(_r.reference.unique().tolist(), key=article_number)'),
        ("drop_duplicates", '_r = requirements[(requirements.framework_id == "eu_ai_act") & (requirements.applies_from.dt.strftime("%Y-%m-%d") == ANNEX_I_HIGH_RISK_OMNIBUS)]\n'
         '_r = _r[_r.applies_to.apply(lambda a: "provider" in a.split(";")) & (_r.topic.astype(str) != "regulatory_classification")]\n'
         'provider_high_risk_articles = list(_r.drop_duplicates("reference").assign(n=lambda d: d.reference.map(article_number)).sort_values("n").reference)'),
    ],
    "q5-answer": [
        ("set then sort", _OBL + '    out = set()\n'
         '    if date >= AI_LITERACY_FROM:\n        out.add("Art. 4")\n'
         '    if ai_act_high_risk(mdr_class) and date >= (ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL):\n'
         '        out |= set(high_risk_articles)\n'
         '    return sorted(out, key=article_number)'),
        ("dates compared as dates", 'import datetime as dt\n' + _OBL + '    d = dt.date.fromisoformat(date)\n'
         '    out = ["Art. 4"] if d >= dt.date.fromisoformat(AI_LITERACY_FROM) else []\n'
         '    start = dt.date.fromisoformat(ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL)\n'
         '    if mdr_class in ("IIa", "IIb", "III") and d >= start:\n        out = out + list(high_risk_articles)\n'
         '    return sorted(out, key=lambda a: int(a.replace("Art. ", "")))'),
        ("early returns", _OBL + '    if date < AI_LITERACY_FROM:\n        return []\n'
         '    start = ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL\n'
         '    if not ai_act_high_risk(mdr_class) or date < start:\n        return ["Art. 4"]\n'
         '    return sorted(["Art. 4"] + [a for a in high_risk_articles if a != "Art. 4"], key=article_number)'),
    ],
    "q6-answer": [
        ("provider and manufacturer only", 'startup_roles = {"provider", "manufacturer"}'),
        ("as a list, with organisation", 'startup_roles = ["manufacturer", "provider", "organisation"]'),
        ("with controller and developer", 'startup_roles = {"provider", "manufacturer", "controller", "developer"}'),
    ],
    "q7-answer": [
        ("merge with frameworks", _RF + '    m = requirements.merge(frameworks[["framework_id", "jurisdiction", "status"]], on="framework_id")\n'
         '    m = m[m["jurisdiction"].isin(jurisdictions) & m["status"].isin(["in_force", "final"])]\n'
         '    m = m[m["applies_to"].apply(lambda a: any(x in roles for x in a.split(";")))]\n'
         '    m = m[m["applies_from"].isna() | (m["applies_from"] <= pd.Timestamp(on_date))]\n'
         '    return sorted(m["requirement_id"].tolist())' + _CASE),
        ("loop", _RF + '    fw = {r.framework_id: r for r in frameworks.itertuples()}\n'
         '    out = []\n'
         '    for r in requirements.itertuples():\n'
         '        f = fw[r.framework_id]\n'
         '        if f.jurisdiction not in jurisdictions or f.status not in ("in_force", "final"):\n            continue\n'
         '        if not set(r.applies_to.split(";")) & set(roles):\n            continue\n'
         '        if pd.notna(r.applies_from) and r.applies_from.strftime("%Y-%m-%d") > on_date:\n            continue\n'
         '        out.append(r.requirement_id)\n'
         '    return sorted(out)' + _CASE),
        ("explode applies_to", _RF + '    ok_fw = set(frameworks.query("jurisdiction in @jurisdictions and status in [\'in_force\', \'final\']")["framework_id"].tolist()) if False else '
         'set(frameworks.loc[frameworks.jurisdiction.isin(list(jurisdictions)) & frameworks.status.isin(["in_force", "final"]), "framework_id"])\n'
         '    e = requirements.assign(who=requirements.applies_to.str.split(";")).explode("who")\n'
         '    e = e[e.framework_id.isin(ok_fw) & e.who.isin(list(roles))]\n'
         '    e = e[~(e.applies_from > pd.Timestamp(on_date))]\n'
         '    return sorted(set(e.requirement_id))'
         '\ncase_requirements = requirements_for(startup_roles, {"EU", "International"}, TODAY)\n'
         'later_requirements = sorted(set(requirements_for(startup_roles, {"EU", "International"}, "2028-08-02")).difference(case_requirements))'),
    ],
    "q8-answer": [
        ("lean: the one clear skill each",
         'my_mapping = {"ai_act_art10": ["gmlp_representative_data"], "ai_act_art14": ["gmlp_human_ai_team"],'
         ' "ai_act_art72": ["gmlp_monitor_deployed_models"], "gdpr_art9": ["ct_privacy_protection"], "iso14971_risk_management": ["ct_risk_analysis"]}'),
        ("topic join plus the human-AI team for Art. 14",
         '_j = skills[["skill_id", "topic"]].merge(requirements[["requirement_id", "topic"]], on="topic")\n'
         'my_mapping = {r: sorted(_j.loc[_j["requirement_id"] == r, "skill_id"]) for r in TO_MAP}\n'
         'my_mapping["ai_act_art14"] = my_mapping["ai_act_art14"] + ["gmlp_human_ai_team"]'),
        ("broad, defended choices",
         'my_mapping = {"ai_act_art10": ["gmlp_representative_data", "gmlp_reference_datasets", "gmlp_independent_test_data", "gazquez_data_analysis", "ct_privacy_protection", "gazquez_ethics_legal"],'
         ' "ai_act_art14": ["gmlp_human_ai_team", "ct_oversight_override", "russell_clinical_encounters", "gmlp_clear_user_information", "ct_logging_audit"],'
         ' "ai_act_art72": ["gmlp_monitor_deployed_models", "ct_logging_audit", "ct_change_control", "ct_risk_analysis", "russell_practice_learning", "gazquez_data_analysis"],'
         ' "gdpr_art9": ["ct_privacy_protection", "gazquez_ethics_legal", "gazquez_data_analysis", "gmlp_software_engineering_security"],'
         ' "iso14971_risk_management": ["ct_risk_analysis", "gmlp_model_design_intended_use", "gmlp_human_ai_team", "ct_quality_management", "gmlp_multidisciplinary_lifecycle", "gmlp_monitor_deployed_models"]}'),
    ],
    "q9-answer": [
        ("as a list", 'mis_tagged = ["russell_practice_learning", "ct_verifiable_portfolio"]'),
        ("with an arguable case", 'mis_tagged = {"ct_verifiable_portfolio", "russell_practice_learning", "gazquez_ai_fundamentals"}'),
        ("computed from the descriptions",
         '_s = skills.set_index("skill_id")\n'
         'mis_tagged = {k for k in _s.index if (str(_s.loc[k, "domain"]) == "lifelong_learning")}'),
    ],
    "q10-answer": [
        ("explicit loops", 'coverage_share = pd.DataFrame(0.0, index=sorted(skills["domain"].astype(str).unique()), columns=sorted(requirements["framework_id"].unique()))\n'
         'for d in coverage_share.index:\n'
         '    tops = set(skills.loc[skills["domain"].astype(str) == d, "topic"].astype(str))\n'
         '    for f in coverage_share.columns:\n'
         '        t = requirements.loc[requirements["framework_id"] == f, "topic"].astype(str)\n'
         '        coverage_share.loc[d, f] = t.isin(tops).sum() / len(t)'),
        ("rounded to 3 places", '_pairs = skills[["domain", "topic"]].astype(str).drop_duplicates()\n'
         'coverage_share = pd.DataFrame({d: requirements.groupby("framework_id")["topic"].apply(lambda t: round(t.astype(str).isin(set(_pairs.loc[_pairs["domain"] == d, "topic"])).mean(), 3))'
         ' for d in sorted(_pairs["domain"].unique())}).T'),
        ("requirement-level merge", '_dt = skills[["domain", "topic"]].astype(str).drop_duplicates()\n'
         '_m = requirements[["requirement_id", "framework_id", "topic"]].astype(str).merge(_dt, on="topic").drop_duplicates(["requirement_id", "domain"])\n'
         '_n = requirements.groupby("framework_id").size()\n'
         'coverage_share = (pd.crosstab(_m["domain"], _m["framework_id"]).reindex(index=sorted(_dt["domain"].unique()), columns=_n.index, fill_value=0) / _n)'),
    ],
    "q12-answer": [
        ("dt.year", 'events_2026 = timeline[timeline["date"].dt.year == 2026].sort_values(["date", "event_id"])["event_id"].tolist()'),
        ("between", 'events_2026 = list(timeline.loc[timeline["date"].between("2026-01-01", "2026-12-31")].sort_values(by=["date", "event_id"]).event_id)'),
        ("sorted tuples", 'events_2026 = [e for _, e in sorted((d, e) for d, e in zip(timeline["date"], timeline["event_id"]) if d.year == 2026)]'),
    ],
    "q13-answer": [
        ("query", 'not_final = sorted(frameworks.query("status in [\'draft\', \'proposed\']")["framework_id"].tolist())'),
        ("loop", 'not_final = sorted(r.framework_id for r in frameworks.itertuples() if r.status in ("draft", "proposed"))'),
        ("not in the final statuses", 'not_final = sorted(frameworks.loc[~frameworks["status"].isin(["in_force", "final", "superseded"]), "framework_id"])'),
    ],
}
