import math
def polygon_area(pts):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]))) / 2
square = [(0, 0), (2, 0), (2, 2), (0, 2)]
hexagon = [(math.cos(math.pi / 3 * k), math.sin(math.pi / 3 * k)) for k in range(6)]
print(polygon_area(square), round(polygon_area(hexagon), 12), 3 * math.sqrt(3) / 2)
def haversine(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))
print(round(haversine((52.52, 13.405), (48.8566, 2.3522)), 3))
angles = [math.degrees(math.atan2(y, x)) for x, y in [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1)]]
print(angles, math.hypot(*[3, 4]), math.dist((1, 1), (4, 5)))
print([round(math.tan(math.radians(d)), 6) for d in (0, 30, 45, 60)])
