"""click's own words in Vietnamese: usage lines, help footers, usage errors.

click marks its messages for gettext (`from gettext import gettext as _` in
each of its modules) but ships no catalogs, and a catalog would have to be
compiled to a .mo file. Its modules look `_` and `ngettext` up when a message
is made, so `install()` points them at the table below. A message not in the
table stays English (tests/test_cli.py checks that every message of the
installed click is here, so an upgrade cannot bring English back unnoticed).
"""

from __future__ import annotations

from typing import Any

import click

MESSAGES = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện số phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: {command} {option}",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Missing command.": "Thiếu tên lệnh.",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} cần {nargs} giá trị.",
    "Invalid start character for option ({option})": "Tùy chọn bắt đầu bằng ký tự không hợp lệ ({option})",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "unknown error": "lỗi không rõ",
    "Aborted!": "Đã dừng.",
    "deprecated": "không còn dùng",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "Cảnh báo: lệnh {name!r} không còn dùng.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Cảnh báo: {param_type} {name!r} không còn dùng.{extra_message}",
    "env var: {var}": "biến môi trường: {var}",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "(dynamic)": "(tùy lúc chạy)",
    "Do you want to continue?": "Bạn có muốn tiếp tục?",
    "Confirm the action without prompting.": "Xác nhận luôn, không hỏi lại.",
    "Press any key to continue...": "Nhấn một phím bất kỳ để tiếp tục...",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không khớp nhau.",
    "Error: invalid input": "Lỗi: giá trị nhập không hợp lệ",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "Choice({choices})": "Một trong ({choices})",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    # The file checks put a capitalised type in front ("File 'x' …"); Vietnamese reads better without it.
    "{name} {filename!r} does not exist.": "Không tìm thấy {filename!r}.",
    "{name} {filename!r} is a file.": "{filename!r} là một tệp, không phải thư mục.",
    "{name} {filename!r} is a directory.": "{filename!r} là một thư mục, không phải tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được vào {filename!r}.",
    "{name} {filename!r} is not executable.": "Không chạy được {filename!r}.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là một số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng cho phép {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} không phải giá trị có/không. Các giá trị dùng được: {states}",
    "{value!r} is not a valid UUID.": "{value!r} không phải là UUID hợp lệ.",
    "Windows error: {error}": "Lỗi Windows: {error}",
    "{editor}: Editing failed": "{editor}: không sửa được",
    "{editor}: Editing failed: {e}": "{editor}: không sửa được: {e}",
    "Unknown color {colour!r}": "Không có màu {colour!r}",
    "Unknown standard stream '{name}'": "Không có luồng chuẩn '{name}'",
    "Couldn't detect Bash version, shell completion is not supported.": "Không nhận ra phiên bản Bash; không hỗ trợ tự hoàn thành lệnh.",
    "Shell completion is not supported for Bash versions older than 4.4.": "Bash cũ hơn 4.4 không hỗ trợ tự hoàn thành lệnh.",
}

# Vietnamese has no plural: (one, many) by the singular English form.
PLURALS = {
    "Did you mean {possibility}?": ("Có phải ý bạn là {possibility}?", "(Có phải ý bạn là một trong: {possibilities}?)"),
    "Got unexpected extra argument ({args})": ("Thừa tham số ({args})", "Thừa các tham số ({args})"),
    "Option {name!r} requires an argument.": ("Tùy chọn {name!r} cần một giá trị.", "Tùy chọn {name!r} cần {nargs} giá trị."),
    "Takes {nargs} values but 1 was given.": ("Cần {nargs} giá trị nhưng chỉ có 1.", "Cần {nargs} giá trị nhưng có {len}."),
    "{value!r} is not {choice}.": ("{value!r} không phải là {choice}.", "{value!r} không phải một trong {choices}."),
    "{value!r} does not match the format {format}.": ("{value!r} không đúng dạng {format}.", "{value!r} không đúng dạng nào trong {formats}."),
    "{len_type} values are required, but {len_value} was given.": ("Cần {len_type} giá trị nhưng có {len_value}.",
                                                                    "Cần {len_type} giá trị nhưng có {len_value}."),
}

METAVAR_OPTIONS = "[TÙY CHỌN]"
METAVAR_COMMAND = "LỆNH [THAM SỐ]..."


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    one, many = PLURALS.get(singular, (singular, plural))
    return one if n == 1 else many


def install() -> None:
    """Point click's modules at the Vietnamese table (idempotent)."""
    from click import core, decorators, exceptions, formatting, parser, shell_completion, termui, types, utils

    for module in (core, decorators, exceptions, formatting, parser, shell_completion, termui, types, utils):
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


class Command(click.Command):
    """A command whose usage line names its options in Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", METAVAR_OPTIONS)
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """A group whose usage line and subcommands speak Vietnamese too."""

    command_class = Command
    group_class = type  # subgroups are of this class as well

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", METAVAR_OPTIONS)
        kwargs.setdefault("subcommand_metavar", METAVAR_COMMAND)
        super().__init__(*args, **kwargs)
