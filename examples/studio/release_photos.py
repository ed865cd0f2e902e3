# Declassifier (owner -> one client's label): the photos of the client who asked, and only theirs.
# `context["for_user"]` is set by the node, not by the caller.
import rt


def handler(event, context):
    client = context["for_user"]
    photos = []
    for key in rt.store.list("photo/" + client + "/"):
        photo = rt.store.get(key)
        photos.append({"name": photo["name"], "by": photo["by"], "data": photo["data"]})
    return sorted(photos, key=lambda p: p["name"])
