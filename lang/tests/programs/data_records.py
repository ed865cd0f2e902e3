records = [
    {"name": "ann", "dept": "eng", "salary": 120, "start": 2019},
    {"name": "bo", "dept": "ops", "salary": 90, "start": 2021},
    {"name": "cy", "dept": "eng", "salary": 135, "start": 2017},
    {"name": "di", "dept": "ops", "salary": 95, "start": 2018},
    {"name": "ed", "dept": "hr", "salary": 70, "start": 2022},
]
by_dept = {}
for r in records:
    by_dept.setdefault(r["dept"], []).append(r)
for dept in sorted(by_dept):
    people = by_dept[dept]
    avg = sum(p["salary"] for p in people) / len(people)
    senior = min(people, key=lambda p: p["start"])["name"]
    print(f"{dept:4} n={len(people)} avg={avg:.1f} senior={senior}")
raises = {r["name"]: round(r["salary"] * 1.05, 2) for r in records if r["start"] < 2020}
print(raises)
print(sorted(records, key=lambda r: (r["dept"], -r["salary"]))[0]["name"])
