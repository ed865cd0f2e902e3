rows = [[1, 2], [3]]
def second(row):
    return row[1]
print(second(rows[0]))
total = sum(second(r) for r in rows)
