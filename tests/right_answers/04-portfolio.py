"""Correct answers written differently from the key, for 04-portfolio (see README.md)."""

_PICK = 'def pick_credentials(gaps, candidates, max_n=3, stated_only=False):\n'
_EL = 'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\ndef eligible_credentials(role):\n'

RIGHT = {
    "q1-answer": [
        ("merge", 'def needed_skills(framework_ids):\n'
         '    r = requirements[requirements["framework_id"].isin(framework_ids)]\n'
         '    return sorted(set(r[["topic"]].merge(skills[["skill_id", "topic"]], on="topic")["skill_id"]))'),
        ("loops", 'def needed_skills(framework_ids):\n'
         '    topics = {r.topic for r in requirements.itertuples() if r.framework_id in framework_ids}\n'
         '    return sorted({s.skill_id for s in skills.itertuples() if s.topic in topics})'),
        ("query and unique", 'def needed_skills(framework_ids):\n'
         '    t = requirements.query("framework_id in @framework_ids")["topic"].unique()\n'
         '    return sorted(skills.loc[skills.topic.isin(t), "skill_id"].unique().tolist())'),
    ],
    "q2-answer": [
        ("sorted set difference", 'def gap_skills(current, framework_ids):\n    return sorted(set(needed_skills(framework_ids)) - set(current))'),
        ("list comprehension", 'def gap_skills(current, framework_ids):\n    return [s for s in needed_skills(framework_ids) if s not in current]'),
        ("filter", 'def gap_skills(current, framework_ids):\n    return sorted(filter(lambda s: s not in set(current), needed_skills(framework_ids)))'),
    ],
    "q3-answer": [
        ("vectorised", _EL + '    aud = credentials["audience"].fillna("").str.split(";").apply(lambda xs: {x.strip() for x in xs if x.strip()})\n'
         '    ok = aud.apply(lambda a: role in a or (role in CLINICAL_ROLES and "any_health_professional" in a))\n'
         '    ok &= (credentials["verification"] != "unverified") & (credentials["credential_type"] != "degree_track")\n'
         '    return sorted(credentials.loc[ok, "credential_id"].tolist())'),
        ("explode", _EL + '    c = credentials[(credentials.verification != "unverified") & (credentials.credential_type != "degree_track")]\n'
         '    e = c.assign(a=c.audience.str.split(";")).explode("a").dropna(subset=["a"])\n'
         '    want = {role, "any_health_professional"} if role in CLINICAL_ROLES else {role}\n'
         '    return sorted(set(e.loc[e.a.isin(want), "credential_id"]))'),
        ("via a helper", _EL + '    def may(aud):\n'
         '        a = set(aud.split(";")) if isinstance(aud, str) else set()\n'
         '        return role in a or (role in CLINICAL_ROLES and "any_health_professional" in a)\n'
         '    keep = [r.credential_id for r in credentials.itertuples() if may(r.audience) and r.verification != "unverified" and r.credential_type != "degree_track"]\n'
         '    return sorted(keep)'),
    ],
    "q4-answer": [
        ("ties broken by the other end of the alphabet", _PICK +
         '    cs = credential_skills[credential_skills.basis == "stated_by_provider"] if stated_only else credential_skills\n'
         '    offers = cs.groupby("credential_id")["skill_id"].apply(set).to_dict()\n'
         '    left, pool, out = set(gaps), sorted(candidates, reverse=True), []\n'
         '    while left and len(out) < max_n:\n'
         '        gains = {c: len(offers.get(c, set()) & left) for c in pool if c not in out}\n'
         '        if not gains or max(gains.values()) == 0:\n            break\n'
         '        best = max(gains, key=gains.get)\n'
         '        out.append(best); left -= offers[best]\n'
         '    return out'),
        ("sort by gain each step", _PICK +
         '    rows = credential_skills if not stated_only else credential_skills.query("basis == \'stated_by_provider\'")\n'
         '    left, out, pool = set(gaps), [], set(candidates)\n'
         '    for _ in range(max_n):\n'
         '        ranked = sorted(((len(set(rows.loc[rows.credential_id == c, "skill_id"]) & left), c) for c in pool), reverse=True)\n'
         '        if not ranked or ranked[0][0] == 0:\n            break\n'
         '        c = ranked[0][1]\n'
         '        out.append(c); pool.discard(c); left -= set(rows.loc[rows.credential_id == c, "skill_id"])\n'
         '        if not left:\n            break\n'
         '    return out'),
        ("ties broken alphabetically", _PICK +
         '    cs = credential_skills[credential_skills["basis"] == "stated_by_provider"] if stated_only else credential_skills\n'
         '    offers = {k: set(v) for k, v in cs.groupby("credential_id")["skill_id"]}\n'
         '    left, chosen, pool = set(gaps), [], sorted(candidates)\n'
         '    while left and len(chosen) < max_n and pool:\n'
         '        best = min(pool, key=lambda c: (-len(offers.get(c, set()) & left), c))\n'
         '        if not offers.get(best, set()) & left:\n            break\n'
         '        chosen.append(best); pool.remove(best); left -= offers[best]\n'
         '    return chosen'),
    ],
    "q5-answer": [
        ("sets then sorted", 'my_gaps = sorted(set(needed_skills(targets)) - set(current_skills))\n'
         'my_candidates = eligible_credentials("nurse")\n'
         'my_plan = pick_credentials(my_gaps, my_candidates, max_n=3)\n'
         '_cov = set().union(*[set(credential_skills.loc[credential_skills.credential_id == c, "skill_id"]) for c in my_plan])\n'
         'left_over = sorted(s for s in my_gaps if s not in _cov)'),
        ("keyword arguments", 'my_gaps = gap_skills(current=current_skills, framework_ids=targets)\n'
         'my_candidates = list(eligible_credentials(role="nurse"))\n'
         'my_plan = pick_credentials(gaps=my_gaps, candidates=my_candidates)\n'
         'left_over = [s for s in my_gaps if s not in set(credential_skills[credential_skills["credential_id"].isin(my_plan)]["skill_id"])]'),
        ("isin on skills", 'my_gaps = gap_skills(current_skills, targets)\n'
         'my_candidates = eligible_credentials("nurse")\n'
         'my_plan = pick_credentials(my_gaps, my_candidates)\n'
         '_covered = credential_skills.loc[credential_skills.credential_id.isin(my_plan), "skill_id"]\n'
         'left_over = sorted(pd.Series(my_gaps)[~pd.Series(my_gaps).isin(_covered)].tolist())'),
    ],
    "q6-answer": [
        ("query", 'evidence_domains = sorted(skills.query("source_framework == \'gazquez2025\'")["domain"].astype(str).unique().tolist())'),
        ("set comprehension", 'evidence_domains = sorted({str(r.domain) for r in skills.itertuples() if r.source_framework == "gazquez2025"})'),
        ("drop_duplicates", 'evidence_domains = skills[skills.source_framework == "gazquez2025"]["domain"].astype(str).drop_duplicates().sort_values().tolist()'),
    ],
}
