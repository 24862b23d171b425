"""Correct answers written differently from the key, for 03a-fda-ai-devices (see README.md)."""

RIGHT = {
    "q1-answer": [
        ("format inferred with dayfirst=False", 'devices = raw.copy()\n'
         'devices["decision_date"] = pd.to_datetime(devices["Date of Final Decision"], format="%m/%d/%Y")\n'
         'devices["year"] = devices["decision_date"].dt.year'),
        ("assign", 'devices = raw.assign(decision_date=pd.to_datetime(raw["Date of Final Decision"], format="%m/%d/%Y"))\n'
         'devices = devices.assign(year=devices["decision_date"].dt.year.astype("int64"))'),
        ("split the text", 'devices = raw.copy()\n'
         '_p = devices["Date of Final Decision"].str.split("/", expand=True).astype(int)\n'
         'devices["decision_date"] = pd.to_datetime(dict(year=_p[2], month=_p[0], day=_p[1]))\n'
         'devices["year"] = _p[2]'),
    ],
    "q2-answer": [
        ("startswith tuple", 'def pathway(number):\n'
         '    if number.startswith("DEN"):\n        return "De Novo"\n'
         '    return "510(k)" if number.startswith("K") else "PMA"'),
        ("first letter", 'def pathway(number):\n'
         '    return {"K": "510(k)", "D": "De Novo", "P": "PMA"}[number.strip()[0].upper()]'),
        ("regex", 'import re\n'
         'def pathway(number):\n'
         '    if re.match(r"DEN\\d", number):\n        return "De Novo"\n'
         '    if re.match(r"K\\d", number):\n        return "510(k)"\n'
         '    return "PMA"'),
    ],
    "q3-answer": [
        ("apply and groupby", 'devices["pathway"] = devices["Submission Number"].apply(pathway)\n'
         'by_pathway = devices.groupby("pathway").size()'),
        ("Counter", 'from collections import Counter\n'
         'devices["pathway"] = [pathway(n) for n in devices["Submission Number"]]\n'
         'by_pathway = pd.Series(Counter(devices["pathway"]))'),
        ("value_counts ascending", 'devices["pathway"] = devices["Submission Number"].map(pathway)\n'
         'by_pathway = devices["pathway"].value_counts(ascending=True)'),
    ],
    "q4-answer": [
        ("between", 'per_year = devices.loc[devices["year"].between(2015, 2025), "year"].value_counts().sort_index()'),
        ("from the date", '_y = devices["decision_date"].dt.year\n'
         'per_year = _y[(_y > 2014) & (_y < 2026)].value_counts().sort_index()\n'
         'per_year.index = per_year.index.astype(int)'),
        ("loop over years", 'per_year = pd.Series({y: int((devices["year"] == y).sum()) for y in range(2015, 2026)})'),
    ],
    "q5-answer": [
        ("rounded to 3 places", '_d = devices[devices["year"] == 2025]\n'
         'radiology_share_2025 = round(float((_d["Panel (Lead)"] == "Radiology").mean()), 3)'),
        ("count over count", '_d = devices[devices["decision_date"].dt.year == 2025]\n'
         'radiology_share_2025 = int((_d["Panel (Lead)"] == "Radiology").sum()) / len(_d)'),
        ("value_counts normalize", 'radiology_share_2025 = float(devices.loc[devices["year"] == 2025, "Panel (Lead)"]'
         '.value_counts(normalize=True)["Radiology"])'),
    ],
    "q6-answer": [
        ("str.replace", 'panels = devices["Panel (Lead)"].str.replace("Toxcicology", "Toxicology").value_counts()'),
        ("map then groupby", '_fix = devices["Panel (Lead)"].map(lambda p: "Clinical Toxicology" if p == "Clinical Toxcicology" else p)\n'
         'panels = _fix.groupby(_fix).size()'),
        ("Counter", 'from collections import Counter\n'
         'panels = pd.Series(Counter(p.replace("Toxcicology", "Toxicology") for p in devices["Panel (Lead)"]))'),
    ],
}
