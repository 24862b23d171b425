"""Plausible wrong answers for 03b-skills-to-frameworks (see README.md)."""

_IMDRF_HEAD = 'def imdrf_category(situation, significance, lay_user=False):\n'

WRONG = {
    "q1-answer": [
        ("lay-user rule ignored",
         _IMDRF_HEAD +
         '    r = imdrf[(imdrf["situation"] == situation) & (imdrf["significance"] == significance)]\n'
         '    return str(r["category"].iloc[0])'),
        ("lay-user rule applied to every situation",
         _IMDRF_HEAD +
         '    if lay_user: situation = "critical"\n'
         '    r = imdrf[(imdrf["situation"] == situation) & (imdrf["significance"] == significance)]\n'
         '    return str(r["category"].iloc[0])'),
        ("lay-user rule in the wrong direction",
         _IMDRF_HEAD +
         '    if lay_user and situation == "serious": situation = "non_serious"\n'
         '    r = imdrf[(imdrf["situation"] == situation) & (imdrf["significance"] == significance)]\n'
         '    return str(r["category"].iloc[0])'),
        ("lower case",
         _IMDRF_HEAD +
         '    if lay_user and situation == "serious": situation = "critical"\n'
         '    r = imdrf[(imdrf["situation"] == situation) & (imdrf["significance"] == significance)]\n'
         '    return str(r["category"].iloc[0]).lower()'),
        ("one step too low (off by one)",
         _IMDRF_HEAD +
         '    order = ["I", "II", "III", "IV"]\n'
         '    if lay_user and situation == "serious": situation = "critical"\n'
         '    r = imdrf[(imdrf["situation"] == situation) & (imdrf["significance"] == significance)]\n'
         '    return order[max(order.index(str(r["category"].iloc[0])) - 1, 0)]'),
    ],
    "q2-answer": [
        ("wrong case",
         'def rule11_class(purpose, consequence):\n'
         '    if purpose == "diagnosis_or_therapy":\n'
         '        return {"death_or_irreversible": "III", "serious_or_surgery": "IIB"}.get(consequence, "IIA")\n'
         '    if purpose == "monitoring":\n'
         '        return "IIB" if consequence == "vital_immediate_danger" else "IIA"\n'
         '    return "I"'),
        ("monitoring of vital parameters as class III",
         'def rule11_class(purpose, consequence):\n'
         '    if purpose == "diagnosis_or_therapy":\n'
         '        return {"death_or_irreversible": "III", "serious_or_surgery": "IIb"}.get(consequence, "IIa")\n'
         '    if purpose == "monitoring":\n'
         '        return "III" if consequence == "vital_immediate_danger" else "IIa"\n'
         '    return "I"'),
        ("other software as IIa",
         'def rule11_class(purpose, consequence):\n'
         '    if purpose == "diagnosis_or_therapy":\n'
         '        return {"death_or_irreversible": "III", "serious_or_surgery": "IIb"}.get(consequence, "IIa")\n'
         '    return "IIb" if consequence == "vital_immediate_danger" else "IIa"'),
        ("consequences swapped",
         'def rule11_class(purpose, consequence):\n'
         '    if purpose == "diagnosis_or_therapy":\n'
         '        return {"death_or_irreversible": "IIb", "serious_or_surgery": "III"}.get(consequence, "IIa")\n'
         '    if purpose == "monitoring":\n'
         '        return "IIb" if consequence == "vital_immediate_danger" else "IIa"\n'
         '    return "I"'),
    ],
    "q3-answer": [
        ("class III only", 'def ai_act_high_risk(mdr_class):\n    return mdr_class == "III"'),
        ("IIa missed (off by one)", 'def ai_act_high_risk(mdr_class):\n    return mdr_class in ("IIb", "III")'),
        ("every class", 'def ai_act_high_risk(mdr_class):\n    return True'),
        ("a string, not a bool", 'def ai_act_high_risk(mdr_class):\n    return "yes" if mdr_class != "I" else "no"'),
    ],
    "q4-answer": [
        ("typed in, Art. 72 left out",
         'provider_high_risk_articles = ["Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17"]'),
        ("deployer duties too",
         '_r = requirements[(requirements["framework_id"] == "eu_ai_act") & (requirements["applies_from"] == ANNEX_I_HIGH_RISK_OMNIBUS)'
         ' & (requirements["topic"] != "regulatory_classification")]\n'
         'provider_high_risk_articles = sorted(set(_r["reference"]), key=article_number)'),
        ("Art. 15 twice",
         '_r = requirements[(requirements["framework_id"] == "eu_ai_act") & requirements["applies_to"].str.contains("provider")'
         ' & (requirements["applies_from"] == ANNEX_I_HIGH_RISK_OMNIBUS) & (requirements["topic"] != "regulatory_classification")]\n'
         'provider_high_risk_articles = sorted(_r["reference"], key=article_number)'),
        ("classification rule kept",
         '_r = requirements[(requirements["framework_id"] == "eu_ai_act") & requirements["applies_to"].str.contains("provider")'
         ' & (requirements["applies_from"] == ANNEX_I_HIGH_RISK_OMNIBUS)]\n'
         'provider_high_risk_articles = sorted(set(_r["reference"]), key=article_number)'),
        ("sorted as text",
         '_r = requirements[(requirements["framework_id"] == "eu_ai_act") & requirements["applies_to"].str.contains("provider")'
         ' & (requirements["applies_from"] == ANNEX_I_HIGH_RISK_OMNIBUS) & (requirements["topic"] != "regulatory_classification")]\n'
         'provider_high_risk_articles = sorted(set(_r["reference"]))'),
        ("Art. 4 included",
         '_r = requirements[(requirements["framework_id"] == "eu_ai_act") & requirements["applies_to"].str.contains("provider")'
         ' & (requirements["topic"] != "regulatory_classification")]\n'
         'provider_high_risk_articles = sorted(set(_r["reference"]), key=article_number)'),
    ],
    "q5-answer": [
        ("wrong date: the general 2 Aug 2026",
         ''
         'def obligations_on(date, mdr_class, high_risk_articles, omnibus=True):\n'
         '    out = ["Art. 4"] if date >= AI_LITERACY_FROM else []\n'
         '    if ai_act_high_risk(mdr_class) and date >= "2026-08-02":\n'
         '        out += list(high_risk_articles)\n'
         '    return sorted(out, key=article_number)'),
        ("omnibus ignored",
         ''
         'def obligations_on(date, mdr_class, high_risk_articles, omnibus=True):\n'
         '    out = ["Art. 4"] if date >= AI_LITERACY_FROM else []\n'
         '    if ai_act_high_risk(mdr_class) and date >= ANNEX_I_HIGH_RISK_ORIGINAL:\n'
         '        out += list(high_risk_articles)\n'
         '    return sorted(out, key=article_number)'),
        ("off by one day: strictly after the start date",
         ''
         'def obligations_on(date, mdr_class, high_risk_articles, omnibus=True):\n'
         '    out = ["Art. 4"] if date > AI_LITERACY_FROM else []\n'
         '    start = ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL\n'
         '    if ai_act_high_risk(mdr_class) and date > start:\n'
         '        out += list(high_risk_articles)\n'
         '    return sorted(out, key=article_number)'),
        ("AI literacy only for high-risk devices",
         ''
         'def obligations_on(date, mdr_class, high_risk_articles, omnibus=True):\n'
         '    if not ai_act_high_risk(mdr_class):\n'
         '        return []\n'
         '    out = ["Art. 4"] if date >= AI_LITERACY_FROM else []\n'
         '    start = ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL\n'
         '    if date >= start:\n'
         '        out += list(high_risk_articles)\n'
         '    return sorted(out, key=article_number)'),
        ("sorted as text",
         ''
         'def obligations_on(date, mdr_class, high_risk_articles, omnibus=True):\n'
         '    out = ["Art. 4"] if date >= AI_LITERACY_FROM else []\n'
         '    start = ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL\n'
         '    if ai_act_high_risk(mdr_class) and date >= start:\n'
         '        out += list(high_risk_articles)\n'
         '    return sorted(out)'),
        ("high-risk list ignored (own typed list)",
         'def obligations_on(date, mdr_class, high_risk_articles, omnibus=True):\n'
         '    out = ["Art. 4"] if date >= AI_LITERACY_FROM else []\n'
         '    start = ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL\n'
         '    if ai_act_high_risk(mdr_class) and date >= start:\n'
         '        out += ["Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17"]\n'
         '    return sorted(out, key=article_number)'),
    ],
    "q6-answer": [
        ("the hospital's role added", 'startup_roles = {"provider", "manufacturer", "deployer"}'),
        ("AI Act term only", 'startup_roles = {"provider"}'),
        ("MDR term only", 'startup_roles = {"manufacturer"}'),
        ("US covered entity", 'startup_roles = {"provider", "manufacturer", "covered_entity"}'),
        ("title case", 'startup_roles = {"Provider", "Manufacturer"}'),
    ],
    "q7-answer": [
        ("future duties counted now",
         'def requirements_for(roles, jurisdictions, on_date):\n'
         '    fw = frameworks[frameworks["jurisdiction"].isin(list(jurisdictions)) & frameworks["status"].isin(["in_force", "final"])]["framework_id"]\n'
         '    r = requirements[requirements["framework_id"].isin(fw)]\n'
         '    who = r["applies_to"].str.split(";").apply(lambda xs: bool(set(xs) & set(roles)))\n'
         '    return sorted(r.loc[who, "requirement_id"])\n'
         'case_requirements = requirements_for(startup_roles, {"EU", "International"}, TODAY)\n'
         'later_requirements = []'),
        ("undated requirements dropped",
         'def requirements_for(roles, jurisdictions, on_date):\n'
         '    fw = frameworks[frameworks["jurisdiction"].isin(list(jurisdictions)) & frameworks["status"].isin(["in_force", "final"])]["framework_id"]\n'
         '    r = requirements[requirements["framework_id"].isin(fw)]\n'
         '    who = r["applies_to"].str.split(";").apply(lambda xs: bool(set(xs) & set(roles)))\n'
         '    return sorted(r.loc[who & (r["applies_from"] <= on_date), "requirement_id"])\n'
         'case_requirements = requirements_for(startup_roles, {"EU", "International"}, TODAY)\n'
         'later_requirements = sorted(set(requirements_for(startup_roles, {"EU", "International"}, "2028-08-02")) - set(case_requirements))'),
        ("drafts and superseded kept",
         'def requirements_for(roles, jurisdictions, on_date):\n'
         '    fw = frameworks[frameworks["jurisdiction"].isin(list(jurisdictions))]["framework_id"]\n'
         '    r = requirements[requirements["framework_id"].isin(fw)]\n'
         '    who = r["applies_to"].str.split(";").apply(lambda xs: bool(set(xs) & set(roles)))\n'
         '    when = r["applies_from"].isna() | (r["applies_from"] <= on_date)\n'
         '    return sorted(r.loc[who & when, "requirement_id"])\n'
         'case_requirements = requirements_for(startup_roles, {"EU", "International"}, TODAY)\n'
         'later_requirements = sorted(set(requirements_for(startup_roles, {"EU", "International"}, "2028-08-02")) - set(case_requirements))'),
        ("roles ignored",
         'def requirements_for(roles, jurisdictions, on_date):\n'
         '    fw = frameworks[frameworks["jurisdiction"].isin(list(jurisdictions)) & frameworks["status"].isin(["in_force", "final"])]["framework_id"]\n'
         '    r = requirements[requirements["framework_id"].isin(fw)]\n'
         '    when = r["applies_from"].isna() | (r["applies_from"] <= on_date)\n'
         '    return sorted(r.loc[when, "requirement_id"])\n'
         'case_requirements = requirements_for(startup_roles, {"EU", "International"}, TODAY)\n'
         'later_requirements = sorted(set(requirements_for(startup_roles, {"EU", "International"}, "2028-08-02")) - set(case_requirements))'),
        ("strictly before the date",
         'def requirements_for(roles, jurisdictions, on_date):\n'
         '    fw = frameworks[frameworks["jurisdiction"].isin(list(jurisdictions)) & frameworks["status"].isin(["in_force", "final"])]["framework_id"]\n'
         '    r = requirements[requirements["framework_id"].isin(fw)]\n'
         '    who = r["applies_to"].str.split(";").apply(lambda xs: bool(set(xs) & set(roles)))\n'
         '    when = r["applies_from"].isna() | (r["applies_from"] < on_date)\n'
         '    return sorted(r.loc[who & when, "requirement_id"])\n'
         'case_requirements = requirements_for(startup_roles, {"EU", "International"}, TODAY)\n'
         'later_requirements = sorted(set(requirements_for(startup_roles, {"EU", "International"}, "2028-08-02")) - set(case_requirements))'),
    ],
    "q8-answer": [
        ("the course's topic join, copied",
         '_j = skills[["skill_id", "topic"]].merge(requirements[["requirement_id", "topic"]], on="topic")\n'
         'my_mapping = {r: sorted(_j.loc[_j["requirement_id"] == r, "skill_id"]) for r in TO_MAP}'),
        ("every skill for every requirement", 'my_mapping = {r: sorted(skills["skill_id"]) for r in TO_MAP}'),
        ("AI literacy skill for the data duty",
         'my_mapping = {"ai_act_art10": ["russell_basic_ai_knowledge", "gmlp_representative_data"], "ai_act_art14": ["gmlp_human_ai_team"],'
         ' "ai_act_art72": ["gmlp_monitor_deployed_models"], "gdpr_art9": ["ct_privacy_protection"], "iso14971_risk_management": ["ct_risk_analysis"]}'),
        ("post-market monitoring left to clinicians' learning",
         'my_mapping = {"ai_act_art10": ["gmlp_representative_data"], "ai_act_art14": ["gmlp_human_ai_team"],'
         ' "ai_act_art72": ["russell_practice_learning"], "gdpr_art9": ["ct_privacy_protection"], "iso14971_risk_management": ["ct_risk_analysis"]}'),
        ("privacy left out of GDPR, a requirement missing",
         'my_mapping = {"ai_act_art10": ["gmlp_representative_data"], "ai_act_art14": ["gmlp_human_ai_team"],'
         ' "ai_act_art72": ["gmlp_monitor_deployed_models"], "gdpr_art9": ["gazquez_ethics_legal"]}'),
    ],
    "q9-answer": [
        ("nothing mis-tagged", 'mis_tagged = set()'),
        ("only one of the odd links", 'mis_tagged = {"ct_verifiable_portfolio"}'),
        ("right tags flagged", 'mis_tagged = {"ct_verifiable_portfolio", "russell_practice_learning", "ct_privacy_protection"}'),
        ("every skill flagged", 'mis_tagged = set(skills["skill_id"])'),
    ],
    "q10-answer": [
        ("counts, not shares",
         '_m = skills[["domain", "topic"]].astype(str).merge(requirements[["requirement_id", "framework_id", "topic"]].astype(str), on="topic")\n'
         'coverage_share = pd.crosstab(_m["domain"], _m["framework_id"]).reindex(columns=sorted(requirements["framework_id"].unique()), fill_value=0)\n'
         'coverage_share = coverage_share.reindex(sorted(skills["domain"].astype(str).unique()), fill_value=0)'),
        ("divided by all requirements",
         '_pairs = skills[["domain", "topic"]].astype(str).drop_duplicates()\n'
         'coverage_share = pd.DataFrame({d: requirements.groupby("framework_id")["topic"].apply(lambda t: t.astype(str).isin(set(_pairs.loc[_pairs["domain"] == d, "topic"])).sum() / len(requirements))'
         ' for d in sorted(_pairs["domain"].unique())}).T'),
        ("pairs counted twice (skills, not requirements)",
         '_m = skills[["skill_id", "domain", "topic"]].astype(str).merge(requirements[["requirement_id", "framework_id", "topic"]].astype(str), on="topic")\n'
         '_n = requirements.groupby("framework_id").size()\n'
         '_c = pd.crosstab(_m["domain"], _m["framework_id"]).reindex(columns=_n.index, fill_value=0)\n'
         'coverage_share = (_c / _n).reindex(sorted(skills["domain"].astype(str).unique()), fill_value=0).clip(upper=1)'),
        ("share of the domain's skills instead of the framework's requirements",
         '_s = skills[["skill_id", "domain", "topic"]].astype(str)\n'
         'coverage_share = pd.DataFrame({f: _s.groupby("domain")["topic"].apply(lambda t: t.isin(set(requirements.loc[requirements["framework_id"] == f, "topic"].astype(str))).mean())'
         ' for f in sorted(requirements["framework_id"].unique())})'),
    ],
    "q12-answer": [
        ("off by one: stops at today",
         '_e = timeline[(timeline["date"] >= "2026-01-01") & (timeline["date"] <= "2026-11-25")]\n'
         'events_2026 = list(_e.sort_values(["date", "event_id"])["event_id"])'),
        ("wrong year",
         '_e = timeline[timeline["date"].dt.year == 2025]\n'
         'events_2026 = list(_e.sort_values(["date", "event_id"])["event_id"])'),
        ("includes the next year",
         '_e = timeline[timeline["date"] >= "2026-01-01"]\n'
         'events_2026 = list(_e.sort_values(["date", "event_id"])["event_id"])'),
        ("not in date order",
         '_e = timeline[timeline["date"].dt.year == 2026]\n'
         'events_2026 = sorted(_e["event_id"], reverse=True)'),
        ("EU AI Act events only",
         '_e = timeline[(timeline["date"].dt.year == 2026) & (timeline["framework_id"] == "eu_ai_act")]\n'
         'events_2026 = list(_e.sort_values(["date", "event_id"])["event_id"])'),
    ],
    "q13-answer": [
        ("missed category: drafts only",
         'not_final = sorted(frameworks.loc[frameworks["status"] == "draft", "framework_id"])'),
        ("wrong case",
         'not_final = sorted(frameworks.loc[frameworks["status"].isin(["Draft", "Proposed"]), "framework_id"])'),
        ("superseded counted as not final",
         'not_final = sorted(frameworks.loc[frameworks["status"].isin(["draft", "proposed", "superseded"]), "framework_id"])'),
        ("names instead of ids",
         'not_final = sorted(frameworks.loc[frameworks["status"].isin(["draft", "proposed"]), "short_name"])'),
    ],
}
