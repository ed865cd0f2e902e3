students = {"ann": [90, 85, 77], "bob": [60, 72, 88], "cy": [95, 91, 99]}
for name, scores in sorted(students.items()):
    avg = sum(scores) / len(scores)
    grade = "A" if avg >= 90 else "B" if avg >= 80 else "C"
    print(f"{name}: {scores} avg {avg:.2f} -> {grade}")
best = max(students, key=lambda n: sum(students[n]))
print("best", best)
transposed = list(zip(*students.values()))
print(transposed, [max(t) for t in transposed])
total = 0
for scores in students.values():
    for s in scores:
        if s < 70:
            continue
        total += s
print(total)
