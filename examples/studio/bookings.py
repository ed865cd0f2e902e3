# Every booking the caller may see: a client sees their own, the owner sees all of them.
import rt


def handler(event, context):
    return sorted([rt.kv.get(k) for k in rt.kv.keys("booking/")],
                  key=lambda b: (b["date"], b["client"]))
