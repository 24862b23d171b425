"""Correct answers written differently from the key, for 02-credentials-for-roles (see README.md)."""

RIGHT = {
    "q1-answer": [
        ("loop over rows",
         'core_skills = {}\n'
         'for r in role_skills.itertuples():\n'
         '    if r.priority == "core":\n'
         '        core_skills.setdefault(str(r.role), []).append(r.skill_id)\n'
         'core_skills = {k: sorted(v) for k, v in core_skills.items()}'),
        ("query and groupby apply",
         'core_skills = {str(k): sorted(v) for k, v in role_skills.query("priority == \'core\'")'
         '.groupby("role", observed=True)["skill_id"].apply(list).items()}'),
        ("explicit role list",
         'core_skills = {r: sorted(role_skills.loc[(role_skills.role == r) & (role_skills.priority == "core"), "skill_id"].tolist())'
         ' for r in ["physician", "nurse", "informaticist", "data_scientist"]}'),
    ],
    "q2-answer": [
        ("set comprehension",
         'def skills_covered(credential_ids):\n'
         '    ids = set(credential_ids)\n'
         '    return sorted({r.skill_id for r in credential_skills.itertuples() if r.credential_id in ids})'),
        ("unique()",
         'def skills_covered(credential_ids):\n'
         '    sel = credential_skills[credential_skills.credential_id.isin(credential_ids)]\n'
         '    return sorted(sel.skill_id.unique().tolist())'),
        ("merge",
         'def skills_covered(credential_ids):\n'
         '    if not credential_ids:\n'
         '        return []\n'
         '    m = pd.DataFrame({"credential_id": list(credential_ids)}).merge(credential_skills, on="credential_id")\n'
         '    return sorted(set(m["skill_id"]))'),
    ],
    "q3-answer": [
        ("rounded to 3 places",
         '_cov = set(credential_skills["skill_id"])\n'
         'role_coverage = pd.DataFrame([{"role": r, "core": len(ids), "covered": sum(s in _cov for s in ids),'
         ' "share": round(sum(s in _cov for s in ids) / len(ids), 3)} for r, ids in core_skills.items()])'),
        ("from role_skills with groupby",
         '_c = role_skills[role_skills["priority"] == "core"].copy()\n'
         '_c["is_cov"] = _c["skill_id"].isin(credential_skills["skill_id"])\n'
         'role_coverage = _c.groupby("role", observed=True).agg(core=("skill_id", "size"), covered=("is_cov", "sum")).reset_index()\n'
         'role_coverage["role"] = role_coverage["role"].astype(str)\n'
         'role_coverage["share"] = role_coverage["covered"] / role_coverage["core"]'),
        ("rounded to 4 places, extra column order",
         '_cov = set(credential_skills["skill_id"])\n'
         'role_coverage = pd.DataFrame([{"share": round(sum(s in _cov for s in ids) / len(ids), 4), "covered": sum(s in _cov for s in ids),'
         ' "core": len(ids), "role": r} for r, ids in core_skills.items()])'),
    ],
    "q4-answer": [
        ("set difference",
         '_cov = set(credential_skills["skill_id"])\n'
         'gaps = {r: sorted(set(ids) - _cov) for r, ids in core_skills.items()}'),
        ("from role_skills directly",
         '_c = role_skills[(role_skills["priority"] == "core") & ~role_skills["skill_id"].isin(credential_skills["skill_id"])]\n'
         'gaps = {r: sorted(_c.loc[_c["role"] == r, "skill_id"]) for r in ["physician", "nurse", "informaticist", "data_scientist"]}'),
        ("loop",
         'gaps = {}\n'
         'for r, ids in core_skills.items():\n'
         '    gaps[r] = []\n'
         '    for s in ids:\n'
         '        if not (credential_skills["skill_id"] == s).any():\n'
         '            gaps[r].append(s)\n'
         '    gaps[r].sort()'),
    ],
    "q5-answer": [
        ("vectorised",
         'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def open_to(role):\n'
         '    aud = credentials["audience"].fillna("").str.split(";").apply(lambda xs: {x.strip() for x in xs if x.strip()})\n'
         '    ok = aud.apply(lambda a: role in a or (role in CLINICAL_ROLES and "any_health_professional" in a))\n'
         '    ok &= credentials["verification"].astype(str) != "unverified"\n'
         '    return sorted(credentials.loc[ok, "credential_id"].tolist())'),
        ("explode",
         'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def open_to(role):\n'
         '    c = credentials[credentials["verification"] != "unverified"].copy()\n'
         '    c["aud"] = c["audience"].str.split(";")\n'
         '    c = c.explode("aud").dropna(subset=["aud"])\n'
         '    wanted = {role} | ({"any_health_professional"} if role in CLINICAL_ROLES else set())\n'
         '    return sorted(set(c.loc[c["aud"].str.strip().isin(wanted), "credential_id"]))'),
        ("regex on whole tokens",
         'import re\n'
         'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def open_to(role):\n'
         '    words = [role] + (["any_health_professional"] if role in CLINICAL_ROLES else [])\n'
         '    pat = r"(^|;)\\s*(" + "|".join(map(re.escape, words)) + r")\\s*(;|$)"\n'
         '    ok = credentials["audience"].fillna("").str.contains(pat, regex=True) & (credentials["verification"] != "unverified")\n'
         '    return sorted(credentials.loc[ok, "credential_id"])'),
    ],
    "q6-answer": [
        ("dict of counts",
         'def best_for(role, candidates):\n'
         '    core = set(role_skills.loc[(role_skills["role"] == role) & (role_skills["priority"] == "core"), "skill_id"])\n'
         '    counts = {}\n'
         '    for r in credential_skills.itertuples():\n'
         '        if r.credential_id in set(candidates) and r.skill_id in core:\n'
         '            counts[r.credential_id] = counts.get(r.credential_id, 0) + 1\n'
         '    if not counts:\n'
         '        return []\n'
         '    top = max(counts.values())\n'
         '    return sorted(c for c, n in counts.items() if n == top)'),
        ("value_counts",
         'def best_for(role, candidates):\n'
         '    core = role_skills.query("role == @role and priority == \'core\'")["skill_id"]\n'
         '    sel = credential_skills[credential_skills.skill_id.isin(core) & credential_skills.credential_id.isin(candidates)]\n'
         '    vc = sel["credential_id"].value_counts()\n'
         '    return sorted(vc[vc == vc.max()].index.tolist()) if len(vc) else []'),
        ("via skills_covered",
         'def best_for(role, candidates):\n'
         '    core = set(role_skills.loc[(role_skills["role"] == role) & (role_skills["priority"] == "core"), "skill_id"])\n'
         '    n = {c: len(core & set(skills_covered([c]))) for c in candidates}\n'
         '    best = max(n.values(), default=0)\n'
         '    return sorted(c for c, k in n.items() if k == best) if best > 0 else []'),
    ],
    "q7-answer": [
        ("unique per type",
         '_t = ["board_certification", "professional_certification", "educational_certification", "executive_education"]\n'
         'awarded_by = {t: sorted(credentials.loc[credentials["credential_type"] == t, "provider"].unique().tolist()) for t in _t}'),
        ("groupby",
         '_g = credentials.groupby(credentials["credential_type"].astype(str))["provider"].apply(lambda s: sorted(set(s))).to_dict()\n'
         'awarded_by = {t: _g.get(t, []) for t in ["board_certification", "professional_certification", "educational_certification", "executive_education"]}'),
        ("loop",
         'awarded_by = {t: [] for t in ["board_certification", "professional_certification", "educational_certification", "executive_education"]}\n'
         'for r in credentials.itertuples():\n'
         '    if str(r.credential_type) in awarded_by and r.provider not in awarded_by[str(r.credential_type)]:\n'
         '        awarded_by[str(r.credential_type)].append(r.provider)\n'
         'awarded_by = {k: sorted(v) for k, v in awarded_by.items()}'),
    ],
}
