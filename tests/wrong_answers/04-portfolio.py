"""Plausible wrong answers for 04-portfolio (see README.md)."""

_GREEDY = '''
def pick_credentials(gaps, max_n=3):
    offers = credential_skills.groupby("credential_id")["skill_id"].apply(set).to_dict()
    left = set(gaps)
    chosen = []
    while left and len(chosen) < max_n:
        best = min(offers, key=lambda c: (-len(offers[c] & left), c))
        if not offers[best] & left:
            break
        chosen.append(str(best))
        left -= offers[best]
    return chosen
'''

WRONG = {
    "q1-answer": [
        ("first framework only",
         'def needed_skills(framework_ids):\n'
         '    ids = list(framework_ids)[:1]\n'
         '    t = set(requirements.loc[requirements["framework_id"].isin(ids), "topic"])\n'
         '    return sorted(set(skills.loc[skills["topic"].isin(t), "skill_id"]))'),
        ("duplicates kept",
         'def needed_skills(framework_ids):\n'
         '    r = requirements[requirements["framework_id"].isin(list(framework_ids))]\n'
         '    return sorted(r.merge(skills, on="topic")["skill_id"])'),
        ("wrong join: skill domain against requirement topic",
         'def needed_skills(framework_ids):\n'
         '    t = set(requirements.loc[requirements["framework_id"].isin(list(framework_ids)), "topic"])\n'
         '    return sorted(set(skills.loc[skills["domain"].isin(t), "skill_id"]))'),
        ("topics instead of skills",
         'def needed_skills(framework_ids):\n'
         '    return sorted(set(requirements.loc[requirements["framework_id"].isin(list(framework_ids)), "topic"]))'),
    ],
    "q2-answer": [
        ("the overlap instead of the gap",
         'def gap_skills(current, framework_ids):\n'
         '    return [s for s in needed_skills(framework_ids) if s in set(current)]'),
        ("current skills not removed",
         'def gap_skills(current, framework_ids):\n'
         '    return needed_skills(framework_ids)'),
        ("not sorted",
         'def gap_skills(current, framework_ids):\n'
         '    return sorted((s for s in needed_skills(framework_ids) if s not in set(current)), reverse=True)'),
        ("a set, not a list",
         'def gap_skills(current, framework_ids):\n'
         '    return set(needed_skills(framework_ids)) - set(current)'),
    ],
    "q3-answer": [
        ("PhD track kept", 'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def eligible_credentials(role):\n'
         '    aud = credentials["audience"].fillna("").str.split(";").apply(lambda xs: {x.strip() for x in xs if x.strip()})\n'
         '    ok = aud.apply(lambda a: role in a or (role in CLINICAL_ROLES and "any_health_professional" in a)) & (credentials["verification"] != "unverified")\n'
         '    return sorted(credentials.loc[ok, "credential_id"])'),
        ("audience ignored", 'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def eligible_credentials(role):\n'
         '    ok = (credentials["verification"] != "unverified") & (credentials["credential_type"] != "degree_track")\n'
         '    return sorted(credentials.loc[ok, "credential_id"])'),
        ("unverified kept", 'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def eligible_credentials(role):\n'
         '    aud = credentials["audience"].fillna("").str.split(";").apply(lambda xs: {x.strip() for x in xs if x.strip()})\n'
         '    ok = aud.apply(lambda a: role in a or (role in CLINICAL_ROLES and "any_health_professional" in a)) & (credentials["credential_type"] != "degree_track")\n'
         '    return sorted(credentials.loc[ok, "credential_id"])'),
        ("any_health_professional for every role", 'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def eligible_credentials(role):\n'
         '    aud = credentials["audience"].fillna("").str.split(";").apply(lambda xs: {x.strip() for x in xs if x.strip()})\n'
         '    ok = aud.apply(lambda a: role in a or "any_health_professional" in a) & (credentials["verification"] != "unverified") & (credentials["credential_type"] != "degree_track")\n'
         '    return sorted(credentials.loc[ok, "credential_id"])'),
    ],
    "q4-answer": [
        ("candidates ignored", 'def pick_credentials(gaps, candidates, max_n=3, stated_only=False):\n'
         '    cs = credential_skills[credential_skills["basis"] == "stated_by_provider"] if stated_only else credential_skills\n'
         '    offers = {str(k): set(v) for k, v in cs.groupby("credential_id")["skill_id"]}\n'
         '    left, chosen = set(gaps), []\n'
         '    while left and candidates and len(chosen) < max_n:\n'
         '        best = max(offers, key=lambda c: len(offers[c] & left))\n'
         '        if not offers[best] & left:\n            break\n'
         '        chosen.append(best); left -= offers[best]\n'
         '    return chosen'),
        ("all gap skills counted at every step", 'def pick_credentials(gaps, candidates, max_n=3, stated_only=False):\n'
         '    cs = credential_skills[credential_skills["basis"] == "stated_by_provider"] if stated_only else credential_skills\n'
         '    offers = {str(k): set(v) for k, v in cs.groupby("credential_id")["skill_id"]}\n'
         '    ranked = sorted((c for c in candidates if offers.get(c, set()) & set(gaps)), key=lambda c: -len(offers[c] & set(gaps)))\n'
         '    return ranked[:max_n] if gaps else []'),
        ("max_n ignored", 'def pick_credentials(gaps, candidates, max_n=3, stated_only=False):\n'
         '    cs = credential_skills[credential_skills["basis"] == "stated_by_provider"] if stated_only else credential_skills\n'
         '    offers = {str(k): set(v) for k, v in cs.groupby("credential_id")["skill_id"]}\n'
         '    left, pool, chosen = set(gaps), list(candidates), []\n'
         '    while left and pool:\n'
         '        best = max(pool, key=lambda c: len(offers.get(c, set()) & left))\n'
         '        if not offers.get(best, set()) & left:\n            break\n'
         '        chosen.append(best); pool.remove(best); left -= offers[best]\n'
         '    return chosen'),
        ("stated_only ignored", 'def pick_credentials(gaps, candidates, max_n=3, stated_only=False):\n'
         '    offers = {str(k): set(v) for k, v in credential_skills.groupby("credential_id")["skill_id"]}\n'
         '    left, pool, chosen = set(gaps), list(candidates), []\n'
         '    while left and pool and len(chosen) < max_n:\n'
         '        best = max(pool, key=lambda c: len(offers.get(c, set()) & left))\n'
         '        if not offers.get(best, set()) & left:\n            break\n'
         '        chosen.append(best); pool.remove(best); left -= offers[best]\n'
         '    return chosen'),
        ("fewest first", 'def pick_credentials(gaps, candidates, max_n=3, stated_only=False):\n'
         '    cs = credential_skills[credential_skills["basis"] == "stated_by_provider"] if stated_only else credential_skills\n'
         '    offers = {str(k): set(v) for k, v in cs.groupby("credential_id")["skill_id"]}\n'
         '    left, pool, chosen = set(gaps), [c for c in candidates if offers.get(c, set()) & set(gaps)], []\n'
         '    while left and pool and len(chosen) < max_n:\n'
         '        best = min(pool, key=lambda c: len(offers.get(c, set()) & left) or 99)\n'
         '        if not offers.get(best, set()) & left:\n            break\n'
         '        chosen.append(best); pool.remove(best); left -= offers[best]\n'
         '    return chosen'),
    ],
    "q5-answer": [
        ("the PhD track recommended (all credentials as candidates)",
         'my_gaps = gap_skills(current_skills, targets)\n'
         'my_candidates = sorted(credentials["credential_id"])\n'
         'my_plan = pick_credentials(my_gaps, my_candidates)\n'
         'left_over = sorted(set(my_gaps) - set(credential_skills.loc[credential_skills["credential_id"].isin(my_plan), "skill_id"]))'),
        ("gaps for one framework only",
         'my_gaps = gap_skills(current_skills, targets[:1])\n'
         'my_candidates = eligible_credentials("nurse")\n'
         'my_plan = pick_credentials(my_gaps, my_candidates)\n'
         'left_over = sorted(set(my_gaps) - set(credential_skills.loc[credential_skills["credential_id"].isin(my_plan), "skill_id"]))'),
        ("left_over from the first pick only",
         'my_gaps = gap_skills(current_skills, targets)\n'
         'my_candidates = eligible_credentials("nurse")\n'
         'my_plan = pick_credentials(my_gaps, my_candidates)\n'
         'left_over = sorted(set(my_gaps) - set(credential_skills.loc[credential_skills["credential_id"].isin(my_plan[:1]), "skill_id"]))'),
        ("plan not greedy: candidates in list order",
         'my_gaps = gap_skills(current_skills, targets)\n'
         'my_candidates = eligible_credentials("nurse")\n'
         'my_plan = my_candidates[:3]\n'
         'left_over = sorted(set(my_gaps) - set(credential_skills.loc[credential_skills["credential_id"].isin(my_plan), "skill_id"]))'),
    ],
    "q6-answer": [
        ("the course's role table instead of the evidence",
         '_core = role_skills[role_skills["priority"] == "core"].merge(skills[["skill_id", "domain"]], on="skill_id")\n'
         '_n = _core["domain"].astype(str).value_counts()\n'
         'evidence_domains = sorted(_n.index[:3])'),
        ("skill ids instead of domains", 'evidence_domains = sorted(skills.loc[skills["source_framework"] == "gazquez2025", "skill_id"])'),
        ("Russell instead of Gazquez-Garcia", 'evidence_domains = sorted(set(skills.loc[skills["source_framework"] == "russell2023", "domain"].astype(str)))'),
        ("not sorted", 'evidence_domains = list(dict.fromkeys(skills.loc[skills["source_framework"] == "gazquez2025", "domain"].astype(str)))[::-1]'),
    ],
}
