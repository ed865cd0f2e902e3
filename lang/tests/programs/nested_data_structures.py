config = {
    "servers": [
        {"name": "a", "ports": [80, 443], "tags": {"prod": True}},
        {"name": "b", "ports": [8080], "tags": {}},
    ],
    "version": (1, 2),
}
for s in config["servers"]:
    print(s["name"], sum(s["ports"]), s["tags"].get("prod", False))
config["servers"][1]["ports"].append(9090)
print(config["servers"][1], config["version"][1])
flat = [(s["name"], p) for s in config["servers"] for p in s["ports"]]
print(flat)
matrix = [[[i + j + k for k in range(2)] for j in range(2)] for i in range(2)]
print(matrix, matrix[1][0][1])
copy = [row[:] for row in matrix[0]]
copy[0][0] = 99
print(matrix[0][0][0], copy[0][0])
