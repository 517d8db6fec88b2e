"""The baseline for bench.room: a bare `websockets` relay speaking just enough of the room protocol.

No auth, no database, no channel layer: it numbers each `op` with the next seq of its room (the
URL path names the room), acks the sender and sends the event to every connection of the room
(the sender too), so the same client code drives it and the difference to the studio is what
the studio's stack costs.
Run: python -m bench._relay PORT
"""
import asyncio
import json
import sys

from websockets.asyncio.server import broadcast, serve

logs: dict[str, list[str]] = {}  # per room, every event's text, so a `sync` is answered like the studio does
rooms: dict[str, set] = {}


def dumps(message):
    return json.dumps(message, separators=(",", ":"))


async def handler(ws):
    path = ws.request.path
    log, room = logs.setdefault(path, []), rooms.setdefault(path, set())
    room.add(ws)
    try:
        await ws.send(dumps({"type": "welcome", "seq": len(log)}))
        async for text in ws:
            message = json.loads(text)
            if message.get("type") == "op":
                seq = len(log) + 1
                event = dumps({"type": "event", "seq": seq, "client_op_id": message["client_op_id"],
                               "ops": message["ops"]})
                log.append(event)
                await ws.send(dumps({"type": "ack", "client_op_id": message["client_op_id"], "seq": seq}))
                broadcast(room, event)  # serialised once, written to every transport
            elif message.get("type") == "sync":
                since = message["since"]
                events = [json.loads(e) for e in log[since:]]
                await ws.send(dumps({"type": "events", "since": since, "seq": len(log), "events": events}))
    finally:
        room.discard(ws)


async def main(port):
    # compression=None: daphne does not negotiate permessage-deflate, so neither does the baseline.
    async with serve(handler, "127.0.0.1", port, compression=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
