#!/usr/bin/env python3
"""A minimal websocket client (standard library only) for tutorial-check.sh.

    python3 websocket-check.py HOST PORT PATH MESSAGE

Opens ws://HOST:PORT/PATH, checks the handshake (RFC 6455 section 4), prints every text message the server
sends until the answer to MESSAGE arrives, then closes cleanly. Exits 0 when the server answered, 1 otherwise.
"""
import base64
import hashlib
import os
import socket
import struct
import sys

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("the server closed the connection")
        data += chunk
    return data


def send_frame(sock, opcode, payload):
    """A client frame: FIN set, masked (clients must mask)."""
    header = bytes([0x80 | opcode])
    length = len(payload)
    if length < 126:
        header += bytes([0x80 | length])
    elif length < 1 << 16:
        header += bytes([0x80 | 126]) + struct.pack("!H", length)
    else:
        header += bytes([0x80 | 127]) + struct.pack("!Q", length)
    mask = os.urandom(4)
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def read_frame(sock):
    """Returns (opcode, payload) of one server frame (servers do not mask; fragments are not expected)."""
    first, second = read_exactly(sock, 2)
    length = second & 0x7F
    if length == 126:
        length = struct.unpack("!H", read_exactly(sock, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", read_exactly(sock, 8))[0]
    mask = read_exactly(sock, 4) if second & 0x80 else None
    payload = read_exactly(sock, length)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return first & 0x0F, payload


def main():
    host, port, path, message = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    sock = socket.create_connection((host, port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += read_exactly(sock, 1)
    lines = response.decode("latin-1").split("\r\n")
    if " 101 " not in lines[0] + " ":
        print(f"no upgrade: {lines[0]}", file=sys.stderr)
        return 1
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    if headers.get("sec-websocket-accept") != expected:
        print(f"bad Sec-WebSocket-Accept: {headers.get('sec-websocket-accept')}", file=sys.stderr)
        return 1

    sent = False
    while True:
        opcode, payload = read_frame(sock)
        if opcode == 0x1:
            text = payload.decode()
            print(text)
            if sent:
                break
            send_frame(sock, 0x1, message.encode())
            sent = True
        elif opcode == 0x9:  # ping: answer it
            send_frame(sock, 0xA, payload)
        elif opcode == 0x8:
            print("the server closed the websocket early", file=sys.stderr)
            return 1
    send_frame(sock, 0x8, struct.pack("!H", 1000))
    opcode, _ = read_frame(sock)
    sock.close()
    return 0 if opcode == 0x8 else 1


if __name__ == "__main__":
    sys.exit(main())
