# A photographer uploads a photo for a client. It is handed to the studio: written by a child at
# the owner's label, so neither the photographer's other clients nor other photographers see it.
# Clients get their own photos through the `photos-clientN` declassifiers.
import rt


def store(photographer, client, name, data):
    rt.store.put("photo/" + client + "/" + name,
                 {"by": photographer, "client": client, "name": name, "data": data})


def handler(event, context):
    rt.spawn(store, [context["user"], event["client"], event["name"], event["data"]],
             label="owner")
    return {"uploaded": event["name"], "for": event["client"]}
