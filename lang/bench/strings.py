parts = []
for i in range(200000):
    parts.append(str(i % 97))
text = ",".join(parts)
print(len(text), text[:20])
