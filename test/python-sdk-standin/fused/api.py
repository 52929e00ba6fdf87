"""fused.api.log with the SDK's signature, forwarding to the local Fused server."""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class _Response:
    def __init__(self, status_code, text):
        self.status_code = status_code
        self.text = text


class HTTPError(Exception):
    """Shaped like requests.HTTPError: the status is on .response.status_code."""

    def __init__(self, message, response):
        super().__init__(message)
        self.response = response


def log(id=None, *, udf_id=None, udf_name=None, shared_token=None, exec_env=False, distinct=False,
        distinct_type=None, start_timestamp=None, end_timestamp=None, limit=100, scan_forward=True,
        page_token=None, max_records_to_scan=1000):
    # The real SDK prints progress now and then; replies must not depend on stdout being clean.
    print("standin: fused.api.log called", flush=True)
    params = {
        "id": id, "udf_id": udf_id, "udf_name": udf_name, "shared_token": shared_token,
        "exec_env": exec_env, "distinct": distinct, "distinct_type": distinct_type,
        "start_timestamp": start_timestamp, "end_timestamp": end_timestamp, "limit": limit,
        "scan_forward": scan_forward, "page_token": page_token, "max_records_to_scan": max_records_to_scan,
    }
    if os.environ.get("FUSED_STANDIN_CRASH") == "1":
        sys.exit(3)
    query = {k: ("true" if v is True else "false" if v is False else v) for k, v in params.items() if v is not None}
    url = os.environ["FUSED_STANDIN_URL"] + "?" + urllib.parse.urlencode(query)
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + os.environ.get("FUSED_AUTH_TOKEN", "")})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        raise HTTPError(f"{error.code} Client Error: {body}", _Response(error.code, body)) from None
