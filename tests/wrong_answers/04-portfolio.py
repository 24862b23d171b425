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
        ("a set, not a list",
         'def gap_skills(current, framework_ids):\n'
         '    return set(needed_skills(framework_ids)) - set(current)'),
    ],
    "q3-answer": [
        ("counts all skills, not the uncovered ones",
         'def pick_credentials(gaps, max_n=3):\n'
         '    offers = credential_skills.groupby("credential_id")["skill_id"].apply(set).to_dict()\n'
         '    left, chosen = set(gaps), []\n'
         '    while left and len(chosen) < max_n:\n'
         '        best = min((c for c in offers if c not in chosen), key=lambda c: (-len(offers[c] & set(gaps)), c))\n'
         '        if not offers[best] & left: break\n'
         '        chosen.append(str(best)); left -= offers[best]\n'
         '    return chosen'),
        ("ties broken the wrong way",
         'def pick_credentials(gaps, max_n=3):\n'
         '    offers = credential_skills.groupby("credential_id")["skill_id"].apply(set).to_dict()\n'
         '    left, chosen = set(gaps), []\n'
         '    while left and len(chosen) < max_n:\n'
         '        best = max(offers, key=lambda c: (len(offers[c] & left), c))\n'
         '        if not offers[best] & left: break\n'
         '        chosen.append(str(best)); left -= offers[best]\n'
         '    return chosen'),
        ("off by one: max_n - 1 picks",
         'def pick_credentials(gaps, max_n=3):\n'
         '    offers = credential_skills.groupby("credential_id")["skill_id"].apply(set).to_dict()\n'
         '    left, chosen = set(gaps), []\n'
         '    while left and len(chosen) < max_n - 1:\n'
         '        best = min(offers, key=lambda c: (-len(offers[c] & left), c))\n'
         '        if not offers[best] & left: break\n'
         '        chosen.append(str(best)); left -= offers[best]\n'
         '    return chosen'),
        ("never stops early",
         'def pick_credentials(gaps, max_n=3):\n'
         '    offers = credential_skills.groupby("credential_id")["skill_id"].apply(set).to_dict()\n'
         '    left, chosen = set(gaps), []\n'
         '    while len(chosen) < max_n and len(chosen) < len(offers):\n'
         '        best = min((c for c in offers if c not in chosen), key=lambda c: (-len(offers[c] & left), c))\n'
         '        chosen.append(str(best)); left -= offers[best]\n'
         '    return chosen if gaps else []'),
    ],
    "q4-answer": [
        ("gaps for the wrong frameworks",
         'my_gaps = gap_skills(current_skills, ["eu_ai_act"])\nmy_plan = pick_credentials(my_gaps)\n'
         'left_over = sorted(set(my_gaps) - set(credential_skills.loc[credential_skills["credential_id"].isin(my_plan), "skill_id"]))'),
        ("left_over is what the plan covers",
         'my_gaps = gap_skills(current_skills, targets)\nmy_plan = pick_credentials(my_gaps)\n'
         'left_over = sorted(set(my_gaps) & set(credential_skills.loc[credential_skills["credential_id"].isin(my_plan), "skill_id"]))'),
        ("plan for all needed skills, not the gaps",
         'my_gaps = gap_skills(current_skills, targets)\nmy_plan = pick_credentials(needed_skills(targets))\n'
         'left_over = sorted(set(my_gaps) - set(credential_skills.loc[credential_skills["credential_id"].isin(my_plan), "skill_id"]))'),
    ],
    "q5-answer": [
        ("useful entries counted too",
         '_c = role_skills.merge(skills[["skill_id", "domain"]], on="skill_id")\n'
         '_n = _c["domain"].astype(str).value_counts()\n'
         'top_domains = sorted(_n.index, key=lambda d: (-_n[d], d))[:3]'),
        ("skills table instead of role needs",
         '_n = skills["domain"].astype(str).value_counts()\n'
         'top_domains = sorted(_n.index, key=lambda d: (-_n[d], d))[:3]'),
        ("least frequent first",
         '_c = role_skills[role_skills["priority"] == "core"].merge(skills[["skill_id", "domain"]], on="skill_id")\n'
         '_n = _c["domain"].astype(str).value_counts()\n'
         'top_domains = sorted(_n.index, key=lambda d: (_n[d], d))[:3]'),
        ("off by one: top two",
         '_c = role_skills[role_skills["priority"] == "core"].merge(skills[["skill_id", "domain"]], on="skill_id")\n'
         '_n = _c["domain"].astype(str).value_counts()\n'
         'top_domains = sorted(_n.index, key=lambda d: (-_n[d], d))[:2]'),
    ],
}
