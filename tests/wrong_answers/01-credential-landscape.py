"""Plausible wrong answers for 01-credential-landscape (see README.md)."""

WRONG = {
    "q1-answer": [
        ("wrong case", 'academic_ids = sorted(credentials.loc[credentials["category"] == "Academic", "credential_id"])'),
        ("missed category: degree tracks only",
         'academic_ids = sorted(credentials.loc[credentials["credential_type"] == "degree_track", "credential_id"])'),
        ("not sorted", 'academic_ids = list(credentials.loc[credentials["category"] == "academic", "credential_id"])[::-1]'),
        ("names not ids", 'academic_ids = sorted(credentials.loc[credentials["category"] == "academic", "name"])'),
        ("a DataFrame", 'academic_ids = credentials[credentials["category"] == "academic"]'),
    ],
    "q2-answer": [
        ("zeros kept", 'professional_by_type = credentials.loc[credentials["category"] == "professional", "credential_type"].value_counts()'),
        ("all programmes, not professional", '_v = credentials["credential_type"].value_counts()\nprofessional_by_type = _v[_v > 0]'),
        ("wrong column", '_v = credentials.loc[credentials["category"] == "professional", "provider"].value_counts()\nprofessional_by_type = _v[_v > 0]'),
        ("smallest first", '_v = credentials.loc[credentials["category"] == "professional", "credential_type"].value_counts()\n'
         'professional_by_type = _v[_v > 0].sort_values()'),
        ("off by one: drops single-programme types",
         '_v = credentials.loc[credentials["category"] == "professional", "credential_type"].value_counts()\nprofessional_by_type = _v[_v > 1]'),
        ("a dict", '_v = credentials.loc[credentials["category"] == "professional", "credential_type"].value_counts()\n'
         'professional_by_type = {str(k): int(v) for k, v in _v[_v > 0].items()}'),
    ],
    "q3-answer": [
        ("exact match only", 'for_nurses = sorted(credentials.loc[credentials["audience"] == "nurse", "credential_id"])'),
        ("missed category: any_health_professional",
         'for_nurses = sorted(credentials.loc[credentials["audience"].astype(str).str.contains("nurse", na=False), "credential_id"])'),
        ("wrong case", 'for_nurses = sorted(credentials.loc[credentials["audience"].astype(str).str.contains("Nurse|Any", na=False), "credential_id"])'),
        ("everybody", 'for_nurses = sorted(credentials["credential_id"])'),
    ],
    "q4-answer": [
        ("shares not counts",
         'status_table = pd.crosstab(credentials["category"].astype(str), credentials["verification"].astype(str), normalize=True)'),
        ("transposed", 'status_table = pd.crosstab(credentials["verification"].astype(str), credentials["category"].astype(str))'),
        ("wrong column", 'status_table = pd.crosstab(credentials["category"].astype(str), credentials["cme"].astype(str))'),
        ("missed a status",
         '_c = credentials[credentials["verification"] != "unverified"]\n'
         'status_table = pd.crosstab(_c["category"].astype(str), _c["verification"].astype(str))'),
    ],
}
