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
        ("wrong date: the general 2 Aug 2026",
         'def article_number(ref):\n    return int(ref.split()[-1])\n\n'
         'def obligations_on(date, mdr_class, omnibus=True):\n'
         '    out = ["Art. 4"] if date >= AI_LITERACY_FROM else []\n'
         '    if ai_act_high_risk(mdr_class) and date >= "2026-08-02":\n'
         '        out += HIGH_RISK_ARTICLES\n'
         '    return sorted(out, key=article_number)'),
        ("omnibus ignored",
         'def article_number(ref):\n    return int(ref.split()[-1])\n\n'
         'def obligations_on(date, mdr_class, omnibus=True):\n'
         '    out = ["Art. 4"] if date >= AI_LITERACY_FROM else []\n'
         '    if ai_act_high_risk(mdr_class) and date >= ANNEX_I_HIGH_RISK_ORIGINAL:\n'
         '        out += HIGH_RISK_ARTICLES\n'
         '    return sorted(out, key=article_number)'),
        ("off by one day: strictly after the start date",
         'def article_number(ref):\n    return int(ref.split()[-1])\n\n'
         'def obligations_on(date, mdr_class, omnibus=True):\n'
         '    out = ["Art. 4"] if date > AI_LITERACY_FROM else []\n'
         '    start = ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL\n'
         '    if ai_act_high_risk(mdr_class) and date > start:\n'
         '        out += HIGH_RISK_ARTICLES\n'
         '    return sorted(out, key=article_number)'),
        ("AI literacy only for high-risk devices",
         'def article_number(ref):\n    return int(ref.split()[-1])\n\n'
         'def obligations_on(date, mdr_class, omnibus=True):\n'
         '    if not ai_act_high_risk(mdr_class):\n'
         '        return []\n'
         '    out = ["Art. 4"] if date >= AI_LITERACY_FROM else []\n'
         '    start = ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL\n'
         '    if date >= start:\n'
         '        out += HIGH_RISK_ARTICLES\n'
         '    return sorted(out, key=article_number)'),
        ("sorted as text",
         'def article_number(ref):\n    return int(ref.split()[-1])\n\n'
         'def obligations_on(date, mdr_class, omnibus=True):\n'
         '    out = ["Art. 4"] if date >= AI_LITERACY_FROM else []\n'
         '    start = ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL\n'
         '    if ai_act_high_risk(mdr_class) and date >= start:\n'
         '        out += HIGH_RISK_ARTICLES\n'
         '    return sorted(out)'),
    ],
    "q5-answer": [
        ("left join keeps unmatched skills",
         'mapping = skills[["skill_id", "topic"]].merge(requirements[["requirement_id", "framework_id", "topic"]],'
         ' on="topic", how="left")[["skill_id", "requirement_id", "framework_id"]]'),
        ("wrong join key",
         'mapping = skills[["skill_id", "name"]].merge(requirements[["requirement_id", "framework_id", "title"]],'
         ' left_on="name", right_on="title")[["skill_id", "requirement_id", "framework_id"]]'),
        ("one requirement per skill",
         '_m = skills[["skill_id", "topic"]].merge(requirements[["requirement_id", "framework_id", "topic"]], on="topic")\n'
         'mapping = _m.drop_duplicates("skill_id")[["skill_id", "requirement_id", "framework_id"]]'),
        ("missed frameworks: EU AI Act only",
         '_r = requirements[requirements["framework_id"] == "eu_ai_act"]\n'
         'mapping = skills[["skill_id", "topic"]].merge(_r[["requirement_id", "framework_id", "topic"]], on="topic")'
         '[["skill_id", "requirement_id", "framework_id"]]'),
    ],
    "q6-answer": [
        ("transposed",
         '_m = mapping.merge(skills[["skill_id", "domain"]], on="skill_id")\n'
         'coverage = pd.crosstab(_m["framework_id"].astype(str), _m["domain"].astype(str))'),
        ("distinct requirements instead of pairs",
         '_m = mapping.merge(skills[["skill_id", "domain"]], on="skill_id")\n'
         'coverage = _m.groupby([_m["domain"].astype(str), _m["framework_id"].astype(str)])["requirement_id"].nunique().unstack(fill_value=0)'),
        ("shares",
         '_m = mapping.merge(skills[["skill_id", "domain"]], on="skill_id")\n'
         'coverage = pd.crosstab(_m["domain"].astype(str), _m["framework_id"].astype(str), normalize=True)'),
        ("rows by skill, not domain",
         'coverage = pd.crosstab(mapping["skill_id"].astype(str), mapping["framework_id"].astype(str))'),
    ],
    "q7-answer": [
        ("the opposite set",
         'unasked = sorted(skills.loc[skills["topic"].isin(requirements["topic"]), "skill_id"])'),
        ("topics instead of skills",
         'unasked = sorted(set(skills.loc[~skills["topic"].isin(requirements["topic"]), "topic"]))'),
        ("only the EU AI Act asked",
         '_r = requirements[requirements["framework_id"] == "eu_ai_act"]\n'
         'unasked = sorted(skills.loc[~skills["topic"].isin(_r["topic"]), "skill_id"])'),
        ("empty", 'unasked = []'),
    ],
    "q9-answer": [
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
    "q10-answer": [
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
