"""Correct answers written differently from the key, for 01-credential-landscape (see README.md)."""

RIGHT = {
    "q1-answer": [
        ("query", 'academic_ids = sorted(credentials.query("category == \'academic\'")["credential_id"].tolist())'),
        ("loop", 'academic_ids = sorted(r.credential_id for r in credentials.itertuples() if r.category == "academic")'),
        ("sort_values", 'academic_ids = list(credentials[credentials.category == "academic"].sort_values("credential_id").credential_id)'),
    ],
    "q2-answer": [
        ("groupby size", '_p = credentials[credentials["category"] == "professional"]\n'
         'professional_by_type = _p.groupby(_p["credential_type"].astype(str)).size().sort_values(ascending=False)'),
        ("value_counts on text", 'professional_by_type = credentials.loc[credentials.category == "professional", "credential_type"].astype(str).value_counts()'),
        ("Counter", 'from collections import Counter\n'
         '_n = Counter(str(t) for t, c in zip(credentials.credential_type, credentials.category) if c == "professional")\n'
         'professional_by_type = pd.Series(dict(_n.most_common()))'),
    ],
    "q3-answer": [
        ("explode", '_x = credentials.assign(a=credentials["audience"].str.split(";")).explode("a")\n'
         'for_nurses = sorted(set(_x.loc[_x["a"].str.strip().isin(["nurse", "any_health_professional"]), "credential_id"]))'),
        ("loop", 'for_nurses = []\n'
         'for r in credentials.itertuples():\n'
         '    aud = r.audience.split(";") if isinstance(r.audience, str) else []\n'
         '    if "nurse" in aud or "any_health_professional" in aud:\n'
         '        for_nurses.append(r.credential_id)\n'
         'for_nurses.sort()'),
        ("whole-token regex", 'for_nurses = sorted(credentials.loc[credentials["audience"].fillna("").str.contains(r"(?:^|;)(?:nurse|any_health_professional)(?:;|$)"), "credential_id"])'),
    ],
    "q4-answer": [
        ("groupby unstack", 'status_table = credentials.groupby([credentials["category"].astype(str), credentials["verification"].astype(str)]).size().unstack(fill_value=0)'),
        ("pivot_table", 'status_table = credentials.assign(n=1, category=credentials.category.astype(str), verification=credentials.verification.astype(str))'
         '.pivot_table(index="category", columns="verification", values="n", aggfunc="sum", fill_value=0)'),
        ("crosstab on categoricals", 'status_table = pd.crosstab(credentials["category"], credentials["verification"])'),
    ],
}
