#!/usr/bin/python3
"""presenced serves gRPC server reflection: a client with none of the
project's generated code lists the services, fetches the control API's
descriptors by reflection, builds message classes from them at run time and
calls ControlService/GetStatus.

    reflection_test.py PRESENCE_SERVER_BIN PRESENCED_BIN

Starts a presence-server on a free loopback port and a presenced in front of
it (both in a temp dir), then talks to the daemon's Unix socket. Needs
Debian's python3-grpcio (and python3-protobuf, which it pulls in) for
/usr/bin/python3; grpc_reflection is not packaged in Debian, so the
reflection envelope (grpc.reflection.v1alpha) is encoded and decoded by hand
below. Exit 0 on success, 1 with a message on failure.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

try:
    import grpc
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError as error:  # pragma: no cover - environment check
    sys.exit(
        f"FAIL: {sys.executable} cannot import grpc/protobuf ({error}); "
        "install Debian's python3-grpcio (tests/install-deps.sh does)")

REFLECTION_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
SERVICE = "presence.v1.ControlService"
USER_ID = "reflected-user"
TIMEOUT_S = 10


# ---------------------------------------------------------------- protobuf wire

def encode_varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_string_field(number, value):
    data = value.encode() if isinstance(value, str) else value
    return encode_varint(number << 3 | 2) + encode_varint(len(data)) + data


def decode_varint(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def decode_fields(data):
    """(field number, wire type, value) of each field; value is an int for
    varints and fixed widths, bytes for length-delimited fields."""
    pos = 0
    fields = []
    while pos < len(data):
        key, pos = decode_varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, pos = decode_varint(data, pos)
        elif wire_type == 1:
            value, pos = int.from_bytes(data[pos:pos + 8], "little"), pos + 8
        elif wire_type == 2:
            length, pos = decode_varint(data, pos)
            value, pos = bytes(data[pos:pos + length]), pos + length
        elif wire_type == 5:
            value, pos = int.from_bytes(data[pos:pos + 4], "little"), pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        fields.append((number, wire_type, value))
    return fields


def field_values(data, number):
    return [value for n, _, value in decode_fields(data) if n == number]


# ServerReflectionRequest: host = 1, file_by_filename = 3,
# file_containing_symbol = 4, list_services = 7.
# ServerReflectionResponse: file_descriptor_response = 4
# (FileDescriptorResponse.file_descriptor_proto = 1, repeated bytes),
# list_services_response = 6 (ListServiceResponse.service = 1, repeated
# ServiceResponse{name = 1}), error_response = 7 (ErrorResponse{error_code = 1,
# error_message = 2}).

def reflection_exchange(channel, requests):
    call = channel.stream_stream(
        REFLECTION_METHOD,
        request_serializer=lambda b: b,
        response_deserializer=lambda b: b)
    return list(call(iter(requests), timeout=TIMEOUT_S))


def check_error(response):
    errors = field_values(response, 7)
    if errors:
        code = field_values(errors[0], 1)
        message = field_values(errors[0], 2)
        raise AssertionError(
            f"reflection error {code[0] if code else '?'}: "
            f"{message[0].decode() if message else ''}")


def list_services(channel):
    (response,) = reflection_exchange(channel, [encode_string_field(7, "")])
    check_error(response)
    (listing,) = field_values(response, 6)
    return [field_values(service, 1)[0].decode()
            for service in field_values(listing, 1)]


def file_descriptors(channel, request):
    (response,) = reflection_exchange(channel, [request])
    check_error(response)
    (files,) = field_values(response, 4)
    return [descriptor_pb2.FileDescriptorProto.FromString(raw)
            for raw in field_values(files, 1)]


def load_pool(channel, symbol):
    """A descriptor pool with the file defining `symbol` and everything it
    imports, all fetched by reflection."""
    files = {f.name: f for f in file_descriptors(
        channel, encode_string_field(4, symbol))}
    # The server may leave out files it considers sent; ask for them by name.
    missing = {d for f in files.values() for d in f.dependency} - set(files)
    while missing:
        name = missing.pop()
        for f in file_descriptors(channel, encode_string_field(3, name)):
            files.setdefault(f.name, f)
        missing |= {d for f in files.values() for d in f.dependency} - set(files)
    pool = descriptor_pool.DescriptorPool()
    added = set()
    while len(added) < len(files):
        progress = False
        for name, proto in files.items():
            if name not in added and all(d in added for d in proto.dependency):
                pool.Add(proto)
                added.add(name)
                progress = True
        if not progress:
            raise AssertionError(f"cannot order descriptors: {sorted(files)}")
    return pool, sorted(files)


def message_class(descriptor):
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.22
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(descriptor.file.pool).GetPrototype(
        descriptor)


# ---------------------------------------------------------------- processes

def wait_until(condition, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def start_server_and_daemon(server_bin, daemon_bin, work):
    def write(name, text):
        path = os.path.join(work, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    api_key = write("api-key", "reflection-api-key\n")
    admin_token = write("admin-token", "reflection-admin\n")
    config = write("presenced.toml", "")
    port_file = os.path.join(work, "port")
    server = subprocess.Popen(
        [server_bin, "--listen=127.0.0.1:0", f"--port-file={port_file}",
         f"--api-key-file={api_key}", f"--admin-token-file={admin_token}"],
        stderr=open(os.path.join(work, "server.log"), "w"))

    def port_written():
        if server.poll() is not None:
            raise AssertionError("presence-server exited: " + log(work, "server.log"))
        return os.path.exists(port_file) and open(port_file).read().strip()

    wait_until(port_written, TIMEOUT_S, "presence-server to listen")
    address = open(port_file).read().strip()

    socket_path = os.path.join(work, "presenced.sock")
    state = os.path.join(work, "state")
    os.mkdir(state, 0o700)
    daemon = subprocess.Popen(
        [daemon_bin, f"--socket={socket_path}", f"--state-dir={state}",
         f"--upstream={address}", f"--user-id={USER_ID}",
         "--device-id=reflection-device", "--log-level=debug",
         f"--config={config}", f"--api-key-file={api_key}"],
        stderr=open(os.path.join(work, "presenced.log"), "w"))

    def socket_up():
        if daemon.poll() is not None:
            raise AssertionError("presenced exited: " + log(work, "presenced.log"))
        return os.path.exists(socket_path)

    wait_until(socket_up, TIMEOUT_S, "presenced's socket")
    return server, daemon, socket_path


def log(work, name):
    try:
        with open(os.path.join(work, name)) as f:
            return f.read()[-4000:]
    except OSError:
        return ""


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------- the test

def run(socket_path):
    with grpc.insecure_channel("unix:" + socket_path) as channel:
        grpc.channel_ready_future(channel).result(timeout=TIMEOUT_S)

        services = list_services(channel)
        print("services:", ", ".join(services))
        assert SERVICE in services, f"{SERVICE} not listed: {services}"
        assert "grpc.reflection.v1alpha.ServerReflection" in services, services

        pool, files = load_pool(channel, SERVICE)
        print("descriptors:", ", ".join(files))
        service = pool.FindServiceByName(SERVICE)
        methods = sorted(m.name for m in service.methods)
        print("methods:", ", ".join(methods))
        for expected in ("GetStatus", "Hold", "StartRoomHeartbeat",
                         "GetRoomViewerCount", "Sync"):
            assert expected in methods, f"{expected} missing from {methods}"

        method = service.methods_by_name["GetStatus"]
        request_class = message_class(method.input_type)
        response_class = message_class(method.output_type)
        get_status = channel.unary_unary(
            f"/{SERVICE}/GetStatus",
            request_serializer=request_class.SerializeToString,
            response_deserializer=response_class.FromString)
        status = get_status(request_class(), timeout=TIMEOUT_S)
        print(f"GetStatus: user_id={status.user_id!r} "
              f"state={status.DESCRIPTOR.fields_by_name['state'].enum_type.values_by_number[status.state].name}")
        assert status.user_id == USER_ID, status
        assert status.device_id == "reflection-device", status

        # A call with a request built from the reflected descriptors, too.
        count_method = service.methods_by_name["GetRoomViewerCount"]
        count_request = message_class(count_method.input_type)(room_id="lobby")
        count_call = channel.unary_unary(
            f"/{SERVICE}/GetRoomViewerCount",
            request_serializer=count_request.__class__.SerializeToString,
            response_deserializer=message_class(count_method.output_type).FromString)
        deadline = time.monotonic() + TIMEOUT_S
        while True:  # the daemon may still be logging in upstream
            try:
                reply = count_call(count_request, timeout=TIMEOUT_S)
                break
            except grpc.RpcError as error:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert reply.count == 0, reply
        print("GetRoomViewerCount(lobby):", reply.count)


def main():
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} PRESENCE_SERVER_BIN PRESENCED_BIN")
    work = tempfile.mkdtemp(prefix="presence-reflection-")
    server = daemon = None
    try:
        server, daemon, socket_path = start_server_and_daemon(
            sys.argv[1], sys.argv[2], work)
        run(socket_path)
    except (AssertionError, grpc.RpcError, grpc.FutureTimeoutError) as error:
        print(f"FAIL: {type(error).__name__}: {error}", file=sys.stderr)
        print("---- presenced log ----\n" + log(work, "presenced.log"),
              file=sys.stderr)
        return 1
    finally:
        for process in (daemon, server):
            if process is not None:
                stop(process)
        shutil.rmtree(work, ignore_errors=True)
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
