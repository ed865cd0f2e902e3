data = [4, 8, 15, 16, 23, 42]
chunks = []
i = 0
while i < len(data):
    chunk = data[i:i + 4]
    chunks.append(chunk)
    i += 4
print(chunks)
line = "key=value; other=thing; last=1"
pairs = {}
for part in line.split(";"):
    k, _, v = part.strip().partition("=")
    pairs[k] = v
print(pairs)
