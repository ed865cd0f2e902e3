# A client pays by card. The card data goes to a child task at the client's card label
# (clientN < clientNCC < ccCompany): the card company sees it; the client, once it is sent, does
# not (a task may start a child above its label but never wait on it).
import rt


def record(user, card, amount):
    rt.kv.put("payment/" + user, {"card": card, "amount": amount})


def handler(event, context):
    rt.spawn(record, [context["user"], event["card"], event["amount"]],
             label=context["label"] + "CC")
    return {"paid": event["amount"]}
