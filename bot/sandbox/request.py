"""PTB transport that hands Bot API calls straight to a :class:`TelegramEmulator` (no HTTP).

The parameters go through the same encoding PTB uses for HTTP (``RequestData.json_parameters``
and ``multipart_data``), so the emulator decodes them exactly as it does form data from the
network.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from bot.sandbox.emulator import TelegramEmulator, UploadTuple

_API_PATH = re.compile(r"/bot([^/]+)/([^/]+)$")
_FILE_PATH = re.compile(r"/file/bot([^/]+)/(.+)$")


class EmulatorRequest(BaseRequest):
    """``Application.builder().request(EmulatorRequest(emu))`` and ``.get_updates_request(...)``.

    ``read_timeout`` bounds how long one call may take (getUpdates adds its own ``timeout``,
    as PTB does for HTTP); a call that takes longer raises :class:`telegram.error.TimedOut`.
    """

    def __init__(self, emulator: TelegramEmulator, *, read_timeout: float | None = 5.0) -> None:
        self._emulator = emulator
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open: there is no connection."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        path = unquote(urlsplit(url).path)
        file_match = _FILE_PATH.search(path)
        if file_match is not None:
            return self._emulator.download(file_match.group(1), file_match.group(2))
        api_match = _API_PATH.search(path)
        if api_match is None:
            return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
        token, api_method = api_match.groups()

        params: dict[str, str] = {}
        files: dict[str, UploadTuple] = {}
        if request_data is not None:
            params = request_data.json_parameters
            for name, (filename, content, mime) in request_data.multipart_data.items():
                data = content if isinstance(content, bytes) else content.read()
                files[name] = (filename, data, mime)

        timeout = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        call = self._emulator.call(token, api_method, params, files)
        try:
            status, body = await asyncio.wait_for(call, timeout)
        except TimeoutError as error:
            raise TimedOut(f"the emulator did not answer {api_method} in time") from error
        return status, json.dumps(body).encode()
