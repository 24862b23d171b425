"""Plausible wrong answers for 03a-fda-ai-devices (see README.md)."""

WRONG = {
    "q1-answer": [
        ("day first (wrong date)",
         'devices = raw.copy()\n'
         'devices["decision_date"] = pd.to_datetime(devices["Date of Final Decision"], format="%d/%m/%Y", errors="coerce")\n'
         'devices["year"] = devices["decision_date"].dt.year.fillna(0).astype(int)'),
        ("year as text",
         'devices = raw.copy()\n'
         'devices["decision_date"] = pd.to_datetime(devices["Date of Final Decision"], format="%m/%d/%Y")\n'
         'devices["year"] = devices["Date of Final Decision"].str[-4:]'),
        ("date left as text",
         'devices = raw.copy()\n'
         'devices["decision_date"] = devices["Date of Final Decision"]\n'
         'devices["year"] = devices["Date of Final Decision"].str[-4:].astype(int)'),
        ("rows dropped (off by one)",
         'devices = raw.iloc[1:].copy()\n'
         'devices["decision_date"] = pd.to_datetime(devices["Date of Final Decision"], format="%m/%d/%Y")\n'
         'devices["year"] = devices["decision_date"].dt.year.astype(int)'),
    ],
    "q2-answer": [
        ("wrong case",
         'def pathway(number):\n'
         '    return "de novo" if number.startswith("DEN") else ("510(k)" if number.startswith("K") else "PMA")'),
        ("supplements as their own pathway",
         'def pathway(number):\n'
         '    if number.startswith("DEN"): return "De Novo"\n'
         '    if number.startswith("K"): return "510(k)"\n'
         '    return "PMA supplement" if "/S" in number else "PMA"'),
        ("De Novo missed (only K or else PMA)",
         'def pathway(number):\n'
         '    return "510(k)" if number.startswith("K") else "PMA"'),
        ("510k without parentheses",
         'def pathway(number):\n'
         '    return "De Novo" if number.startswith("DEN") else ("510k" if number.startswith("K") else "PMA")'),
    ],
    "q3-answer": [
        ("De Novo and PMA lumped together",
         'devices["pathway"] = devices["Submission Number"].map(lambda n: "510(k)" if n.startswith("K") else "PMA")\n'
         'by_pathway = devices["pathway"].value_counts()'),
        ("first letter only",
         'devices["pathway"] = devices["Submission Number"].map(pathway)\n'
         'by_pathway = devices["Submission Number"].str[0].value_counts()'),
        ("supplements dropped",
         'devices["pathway"] = devices["Submission Number"].map(pathway)\n'
         'by_pathway = devices.loc[~devices["Submission Number"].str.contains("/S"), "pathway"].value_counts()'),
        ("shares not counts",
         'devices["pathway"] = devices["Submission Number"].map(pathway)\n'
         'by_pathway = devices["pathway"].value_counts(normalize=True)'),
    ],
    "q4-answer": [
        ("off by one at the end",
         'per_year = devices[(devices["year"] >= 2015) & (devices["year"] < 2025)].groupby("year").size()'),
        ("off by one at the start",
         'per_year = devices[(devices["year"] > 2015) & (devices["year"] <= 2025)].groupby("year").size()'),
        ("2026 kept", 'per_year = devices[devices["year"] >= 2015].groupby("year").size()'),
        ("years as text",
         '_s = devices[(devices["year"] >= 2015) & (devices["year"] <= 2025)]\n'
         'per_year = _s.groupby(_s["year"].astype(str)).size()'),
        ("descending", 'per_year = devices[(devices["year"] >= 2015) & (devices["year"] <= 2025)].groupby("year").size().sort_index(ascending=False)'),
    ],
    "q5-answer": [
        ("rounded to two places", '_d = devices[devices["year"] == 2025]\nradiology_share_2025 = round(float((_d["Panel (Lead)"] == "Radiology").mean()), 2)'),
        ("percent", '_d = devices[devices["year"] == 2025]\nradiology_share_2025 = float(100 * (_d["Panel (Lead)"] == "Radiology").mean())'),
        ("wrong year", '_d = devices[devices["year"] == 2024]\nradiology_share_2025 = float((_d["Panel (Lead)"] == "Radiology").mean())'),
        ("all years", 'radiology_share_2025 = float((devices["Panel (Lead)"] == "Radiology").mean())'),
        ("wrong case", '_d = devices[devices["year"] == 2025]\nradiology_share_2025 = float((_d["Panel (Lead)"] == "radiology").mean())'),
    ],
    "q6-answer": [
        ("typo not fixed", 'panels = devices["Panel (Lead)"].value_counts()'),
        ("fixed with the wrong case",
         'panels = devices["Panel (Lead)"].replace({"Clinical Toxcicology": "clinical toxicology"}).value_counts()'),
        ("misspelt rows dropped",
         'panels = devices.loc[devices["Panel (Lead)"] != "Clinical Toxcicology", "Panel (Lead)"].value_counts()'),
        ("merged into the wrong panel",
         'panels = devices["Panel (Lead)"].replace({"Clinical Toxcicology": "Clinical Chemistry"}).value_counts()'),
    ],
}
