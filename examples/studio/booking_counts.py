# Declassifier (owner{ann,ben} -> public): bookings per photographer, the only aggregate photographers get.
import rt


def handler(event, context):
    counts = {}
    for key in rt.kv.keys("booking/"):
        who = rt.kv.get(key)["photographer"]
        counts[who] = counts.get(who, 0) + 1
    return counts
