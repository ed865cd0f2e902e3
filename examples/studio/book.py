# A client books a shoot: the booking is stored at the client's own label, so the client and the
# studio's owner (above every client) see it, and nobody else.
import rt


def handler(event, context):
    user = context["user"]
    key = "booking/" + user + "/" + event["date"]
    rt.kv.put(key, {"client": user, "date": event["date"],
                    "photographer": event["photographer"]})
    return {"booked": event["date"], "with": event["photographer"]}
