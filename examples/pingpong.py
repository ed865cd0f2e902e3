"""Two tasks bounce a message over two queues; the result spells what they exchanged."""
import rt


def player(inbox, outbox, word, rounds):
    heard = []
    for _ in range(rounds):
        outbox.enqueue(word)
        heard.append(inbox.dequeue())
    return heard


def main():
    to_pong, to_ping = rt.create_queues(1, 2)
    ping = rt.spawn(player, (to_ping, to_pong, "ping", 1))
    pong = rt.spawn(player, (to_pong, to_ping, "pong", 1))
    return pong.wait()[0] + ping.wait()[0]
