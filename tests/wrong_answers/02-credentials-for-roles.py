"""Plausible wrong answers for 02-credentials-for-roles (see README.md)."""

WRONG = {
    "q1-answer": [
        ("useful skills too", 'core_skills = {str(r): sorted(g["skill_id"]) for r, g in role_skills.groupby("role", observed=True)}'),
        ("wrong case in keys",
         '_c = role_skills[role_skills["priority"] == "core"]\n'
         'core_skills = {str(r).title(): sorted(g["skill_id"]) for r, g in _c.groupby("role", observed=True)}'),
        ("missed a role",
         '_c = role_skills[(role_skills["priority"] == "core") & (role_skills["role"] != "data_scientist")]\n'
         'core_skills = {str(r): sorted(g["skill_id"]) for r, g in _c.groupby("role", observed=True)}'),
        ("not sorted",
         '_c = role_skills[role_skills["priority"] == "core"]\n'
         'core_skills = {str(r): sorted(g["skill_id"], reverse=True) for r, g in _c.groupby("role", observed=True)}'),
    ],
    "q2-answer": [
        ("all credentials must cover it",
         'def skills_covered(credential_ids):\n'
         '    sets = [set(credential_skills.loc[credential_skills["credential_id"] == c, "skill_id"]) for c in credential_ids]\n'
         '    return sorted(set.intersection(*sets)) if sets else []'),
        ("duplicates kept",
         'def skills_covered(credential_ids):\n'
         '    return sorted(credential_skills.loc[credential_skills["credential_id"].isin(list(credential_ids)), "skill_id"])'),
        ("only the first credential",
         'def skills_covered(credential_ids):\n'
         '    ids = list(credential_ids)[:1]\n'
         '    return sorted(set(credential_skills.loc[credential_skills["credential_id"].isin(ids), "skill_id"]))'),
        ("stated by provider only",
         'def skills_covered(credential_ids):\n'
         '    cs = credential_skills[credential_skills["basis"] == "stated_by_provider"]\n'
         '    return sorted(set(cs.loc[cs["credential_id"].isin(list(credential_ids)), "skill_id"]))'),
    ],
    "q3-answer": [
        ("counts a skill once per credential (wrong join)",
         '_core = role_skills[role_skills["priority"] == "core"].merge(credential_skills, on="skill_id", how="left")\n'
         '_rows = []\n'
         'for _r, _g in _core.groupby("role", observed=True):\n'
         '    _n = _g["skill_id"].nunique(); _k = int(_g["credential_id"].notna().sum())\n'
         '    _rows.append({"role": str(_r), "core": _n, "covered": _k, "share": min(_k / _n, 1.0)})\n'
         'role_coverage = pd.DataFrame(_rows)'),
        ("useful skills counted",
         '_cov = set(credential_skills["skill_id"])\n'
         'role_coverage = pd.DataFrame([{"role": str(r), "core": len(g), "covered": int(g["skill_id"].isin(_cov).sum()),'
         ' "share": g["skill_id"].isin(_cov).mean()} for r, g in role_skills.groupby("role", observed=True)])'),
        ("percent not share",
         '_cov = set(credential_skills["skill_id"])\n'
         'role_coverage = pd.DataFrame([{"role": r, "core": len(ids), "covered": sum(s in _cov for s in ids),'
         ' "share": 100 * sum(s in _cov for s in ids) / len(ids)} for r, ids in core_skills.items()])'),
        ("share over all the role's skills (core and useful)",
         '_cov = set(credential_skills["skill_id"])\n'
         '_all = role_skills.groupby("role", observed=True)["skill_id"].apply(list).to_dict()\n'
         'role_coverage = pd.DataFrame([{"role": r, "core": len(ids), "covered": sum(s in _cov for s in ids),'
         ' "share": sum(s in _cov for s in ids) / len(_all[r])} for r, ids in core_skills.items()])'),
        ("column misnamed",
         '_cov = set(credential_skills["skill_id"])\n'
         'role_coverage = pd.DataFrame([{"role": r, "n_core": len(ids), "covered": sum(s in _cov for s in ids),'
         ' "share": sum(s in _cov for s in ids) / len(ids)} for r, ids in core_skills.items()])'),
    ],
    "q4-answer": [
        ("roles without gaps left out",
         '_cov = set(credential_skills["skill_id"])\n'
         'gaps = {r: sorted(s for s in ids if s not in _cov) for r, ids in core_skills.items() if any(s not in _cov for s in ids)}'),
        ("stated by provider only",
         '_cov = set(credential_skills.loc[credential_skills["basis"] == "stated_by_provider", "skill_id"])\n'
         'gaps = {r: sorted(s for s in ids if s not in _cov) for r, ids in core_skills.items()}'),
        ("a role missing from the dict", '_cov = set(credential_skills["skill_id"])\n'
         'gaps = {r: sorted(s for s in ids if s not in _cov) for r, ids in core_skills.items() if r != "nurse"}'),
        ("the covered skills instead of the gaps",
         '_cov = set(credential_skills["skill_id"])\n'
         'gaps = {r: sorted(s for s in ids if s in _cov) for r, ids in core_skills.items()}'),
        ("all skills of the table, not core",
         '_cov = set(credential_skills["skill_id"])\n'
         'gaps = {r: sorted(s for s in skills["skill_id"] if s not in _cov) for r in core_skills}'),
    ],
    "q7-answer": [
        ("missed a type",
         '_t = ["board_certification", "professional_certification", "educational_certification"]\n'
         'awarded_by = {t: sorted(set(credentials.loc[credentials["credential_type"] == t, "provider"])) for t in _t}'),
        ("credential names instead of providers",
         '_t = ["board_certification", "professional_certification", "educational_certification", "executive_education"]\n'
         'awarded_by = {t: sorted(set(credentials.loc[credentials["credential_type"] == t, "name"])) for t in _t}'),
        ("provider names lower-cased",
         '_t = ["board_certification", "professional_certification", "educational_certification", "executive_education"]\n'
         'awarded_by = {t: sorted(set(credentials.loc[credentials["credential_type"] == t, "provider"].str.lower())) for t in _t}'),
        ("duplicates kept",
         '_t = ["board_certification", "professional_certification", "educational_certification", "executive_education"]\n'
         'awarded_by = {t: sorted(credentials.loc[credentials["credential_type"] == t, "provider"]) for t in _t}'),
    ],
    "q5-answer": [
        ("audience ignored: every verified programme",
         'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def open_to(role):\n'
         '    return sorted(credentials.loc[credentials["verification"] != "unverified", "credential_id"])'),
        ("unverified programmes kept",
         'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def open_to(role):\n'
         '    aud = credentials["audience"].fillna("").str.split(";").apply(lambda xs: {x.strip() for x in xs})\n'
         '    ok = aud.apply(lambda a: role in a or (role in CLINICAL_ROLES and "any_health_professional" in a))\n'
         '    return sorted(credentials.loc[ok, "credential_id"])'),
        ("any_health_professional opens it to everyone",
         'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def open_to(role):\n'
         '    aud = credentials["audience"].fillna("").str.split(";").apply(lambda xs: {x.strip() for x in xs})\n'
         '    ok = aud.apply(lambda a: role in a or "any_health_professional" in a) & (credentials["verification"] != "unverified")\n'
         '    return sorted(credentials.loc[ok, "credential_id"])'),
        ("empty audience read as open to all",
         'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def open_to(role):\n'
         '    aud = credentials["audience"].fillna("").str.split(";").apply(lambda xs: {x.strip() for x in xs if x.strip()})\n'
         '    ok = aud.apply(lambda a: not a or role in a or (role in CLINICAL_ROLES and "any_health_professional" in a))\n'
         '    return sorted(credentials.loc[ok & (credentials["verification"] != "unverified"), "credential_id"])'),
        ("substring match: 'physician' found in any text",
         'CLINICAL_ROLES = {"physician", "nurse", "pharmacist", "allied_health"}\n'
         'def open_to(role):\n'
         '    ok = credentials["audience"].fillna("").str.contains(role) | credentials["audience"].fillna("").str.contains("any_health")\n'
         '    return sorted(credentials.loc[ok & (credentials["verification"] != "unverified"), "credential_id"])'),
    ],
    "q6-answer": [
        ("tie broken alphabetically (one id)",
         'def best_for(role, candidates):\n'
         '    core = set(role_skills.loc[(role_skills["role"] == role) & (role_skills["priority"] == "core"), "skill_id"])\n'
         '    n = credential_skills[credential_skills["skill_id"].isin(core) & credential_skills["credential_id"].isin(list(candidates))].groupby("credential_id").size()\n'
         '    return [] if n.empty else sorted(k for k, v in n.items() if v == n.max())[:1]'),
        ("candidates ignored (audience ignored)",
         'def best_for(role, candidates):\n'
         '    core = set(role_skills.loc[(role_skills["role"] == role) & (role_skills["priority"] == "core"), "skill_id"])\n'
         '    n = credential_skills[credential_skills["skill_id"].isin(core)].groupby("credential_id").size()\n'
         '    return [] if (n.empty or not candidates) else sorted(k for k, v in n.items() if v == n.max())'),
        ("useful skills counted too",
         'def best_for(role, candidates):\n'
         '    core = set(role_skills.loc[role_skills["role"] == role, "skill_id"])\n'
         '    n = credential_skills[credential_skills["skill_id"].isin(core) & credential_skills["credential_id"].isin(list(candidates))].groupby("credential_id").size()\n'
         '    return [] if n.empty else sorted(k for k, v in n.items() if v == n.max())'),
        ("fewest instead of most",
         'def best_for(role, candidates):\n'
         '    core = set(role_skills.loc[(role_skills["role"] == role) & (role_skills["priority"] == "core"), "skill_id"])\n'
         '    n = credential_skills[credential_skills["skill_id"].isin(core) & credential_skills["credential_id"].isin(list(candidates))].groupby("credential_id").size()\n'
         '    return [] if n.empty else sorted(k for k, v in n.items() if v == n.min())'),
        ("all skills of the credential counted, not the role's",
         'def best_for(role, candidates):\n'
         '    n = credential_skills[credential_skills["credential_id"].isin(list(candidates))].groupby("credential_id").size()\n'
         '    return [] if n.empty else sorted(k for k, v in n.items() if v == n.max())'),
    ],
}
