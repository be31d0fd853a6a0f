"""Generate a benchmark corpus of a commune People's Committee portal.

    python bench/corpus.py N OUTDIR

writes N pages, generated from one seeded `random.Random(N)` (the same N
always gives the same bytes), in three layouts built from the same page data:

    OUTDIR/xaweb/     an xaweb site: site.yaml, content/<section>/_index.md and pages
    OUTDIR/hugo/      a Hugo site with small hand-written layouts (no theme)
    OUTDIR/pelican/   Pelican content + pelicanconf.py using the bundled notmyidea theme
    OUTDIR/manifest.json   the pages and where each layout keeps them

Pages are Vietnamese with full diacritics, ~4.5 KB of Markdown on average,
built from word lists of real administrative vocabulary. The commune, its
people and its document numbers are fictitious.

Only the standard library is used.
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

# --- the commune -------------------------------------------------------------------

COMMUNE = "Bình An Thạnh"  # fictitious
PROVINCE = "Đồng Tháp"
BASE_URL = "https://binhanthanh.dongthap.gov.vn"
SITE_TITLE = f"Trang thông tin điện tử UBND xã {COMMUNE}"
COMMITTEE = f"Ủy ban nhân dân xã {COMMUNE}"
DESCRIPTION = (f"Trang thông tin điện tử của Ủy ban nhân dân xã {COMMUNE}, tỉnh {PROVINCE}: tin tức, "
               "thông báo, văn bản chỉ đạo điều hành, thủ tục hành chính và thông tin công khai.")
ADDRESS = f"Số 12 đường Nguyễn Huệ, ấp Bình Thạnh, xã {COMMUNE}, tỉnh {PROVINCE}"
PHONE = "0277 3 861 200"
EMAIL = "ubnd.binhanthanh@dongthap.gov.vn"
HOTLINE = "0277 3 861 215"
LEADERS = [
    ("Nguyễn Văn Hùng", "Chủ tịch Ủy ban nhân dân xã"),
    ("Trần Thị Ngọc Lan", "Phó Chủ tịch Ủy ban nhân dân xã"),
    ("Lê Quốc Tuấn", "Phó Chủ tịch Ủy ban nhân dân xã"),
]

# --- sections: (path, title, weight, kind, share of pages) ----------------------------


@dataclass(frozen=True)
class SectionDef:
    path: str
    title: str
    weight: int
    kind: str
    share: float
    intro: str


SECTIONS = [
    SectionDef("tin-tuc", "Tin tức – Sự kiện", 20, "article", 0.40,
               "Tin hoạt động của Đảng ủy, Hội đồng nhân dân, Ủy ban nhân dân, Mặt trận Tổ quốc và các đoàn thể xã; "
               "tình hình kinh tế – xã hội, văn hóa, y tế, giáo dục trên địa bàn."),
    SectionDef("thong-bao", "Thông báo", 30, "article", 0.15,
               "Thông báo của Ủy ban nhân dân xã về lịch làm việc, tiếp công dân, tuyển dụng và các nội dung cần Nhân dân biết."),
    SectionDef("chi-dao-dieu-hanh", "Chỉ đạo điều hành", 35, "article", 0.05,
               "Kết luận, chỉ đạo của lãnh đạo Ủy ban nhân dân xã và lịch công tác hằng tuần."),
    SectionDef("van-ban", "Văn bản", 40, "document", 0.20,
               "Văn bản chỉ đạo, điều hành do Ủy ban nhân dân xã ban hành: quyết định, kế hoạch, thông báo, báo cáo, công văn."),
    SectionDef("cong-khai/ngan-sach", "Ngân sách", 1, "article", 0.05,
               "Dự toán, tình hình thực hiện và quyết toán ngân sách xã."),
    SectionDef("thu-tuc-hanh-chinh", "Thủ tục hành chính", 50, "procedure", 0.10,
               "Thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã, tiếp nhận tại Trung tâm Phục vụ hành chính công xã "
               "hoặc trực tuyến qua [Cổng Dịch vụ công quốc gia](https://dichvucong.gov.vn)."),
    SectionDef("pho-bien-phap-luat", "Phổ biến, giáo dục pháp luật", 60, "article", 0.05,
               "Giới thiệu văn bản pháp luật mới, hỏi đáp pháp luật và cảnh báo các thủ đoạn vi phạm pháp luật."),
]
PARENT_SECTIONS = {"cong-khai": ("Công khai thông tin", 44,
                                 "Những nội dung Ủy ban nhân dân xã phải công khai theo Luật Thực hiện dân chủ ở cơ sở năm 2022.")}

# --- vocabulary ------------------------------------------------------------------------

ORGS = [
    "Ủy ban nhân dân xã", "Đảng ủy xã", "Hội đồng nhân dân xã", "Ủy ban Mặt trận Tổ quốc Việt Nam xã",
    "Hội Nông dân xã", "Hội Liên hiệp Phụ nữ xã", "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã",
    "Hội Cựu chiến binh xã", "Công an xã", "Ban Chỉ huy Quân sự xã", "Trạm Y tế xã",
    "Trung tâm Phục vụ hành chính công xã", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã",
    "Phòng Kinh tế", "Phòng Văn hóa – Xã hội", "Ban Chỉ đạo chuyển đổi số xã", "Ban Thanh tra nhân dân",
    "Ban Giám sát đầu tư của cộng đồng", "Hội Khuyến học xã", "Hợp tác xã nông nghiệp Bình Thạnh",
]
VERBS = [
    "tổ chức", "triển khai", "tổng kết", "sơ kết", "kiểm tra", "rà soát", "tuyên truyền về", "hướng dẫn",
    "đôn đốc", "phối hợp thực hiện", "đẩy mạnh", "phát động", "hoàn thành", "thông qua", "giám sát",
    "đánh giá kết quả", "tăng cường", "quán triệt",
]
OBJECTS = [
    "công tác cải cách hành chính", "chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa", "công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
    "kế hoạch phát triển kinh tế – xã hội", "công tác tiếp công dân, giải quyết khiếu nại, tố cáo",
    "việc cấp giấy chứng nhận quyền sử dụng đất", "công tác tuyển chọn và gọi công dân nhập ngũ",
    "chiến dịch tiêm chủng mở rộng", "công tác phòng, chống sốt xuất huyết", "mô hình sản xuất lúa chất lượng cao",
    "công tác bảo đảm trật tự an toàn giao thông", "chương trình chuyển đổi số", "việc thu gom, xử lý rác thải sinh hoạt",
    "chính sách hỗ trợ hộ nghèo, hộ cận nghèo", "công tác bảo vệ môi trường", "việc thực hiện dân chủ ở cơ sở",
    "công tác phổ biến, giáo dục pháp luật", "đề án phát triển du lịch cộng đồng", "kế hoạch sử dụng đất hằng năm",
    "công tác phòng cháy, chữa cháy", "việc chi trả trợ cấp xã hội hằng tháng", "công tác đăng ký, quản lý hộ tịch",
    "phong trào khuyến học, khuyến tài", "công tác quản lý trật tự xây dựng", "việc thu ngân sách nhà nước trên địa bàn",
    "công tác phòng, chống tham nhũng, tiêu cực", "việc cấp thẻ bảo hiểm y tế cho người dân",
    "chương trình mỗi xã một sản phẩm (OCOP)", "việc cung cấp dịch vụ công trực tuyến toàn trình",
    "công tác chăm sóc người có công với cách mạng", "phong trào thi đua yêu nước",
    "công tác phòng, chống dịch bệnh trên gia súc, gia cầm", "việc nạo vét kênh mương nội đồng",
    "dự án nâng cấp đường giao thông nông thôn", "công tác bảo đảm an ninh trật tự tại cơ sở",
]
PLACES = [
    "ấp Bình Thạnh", "ấp Phước Hòa", "ấp Hòa Hưng", "ấp Hòa Lợi", "ấp Tân Thạnh", "ấp Long Hưng",
    "ấp Phú Mỹ", "ấp Mỹ An", "ấp Tân Hòa", "ấp Bình Hòa", "khu dân cư Chợ Mới", "khu dân cư Bến Đò",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh", "Hoàng", "Công"]
MIDDLE_F = ["Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Thị Thanh", "Thị Ngọc"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hùng", "Long", "Lợi", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Trung", "Tuấn", "Việt", "Khoa", "Thắng", "Hiếu"]
GIVEN_F = ["Hà", "Hạnh", "Hương", "Lan", "Mai", "Thảo", "Xuân", "Yến", "Trang", "Nhung", "Loan", "Diệu", "Hằng", "Phượng"]
ROLES = [
    "Chủ tịch Ủy ban nhân dân xã", "Phó Chủ tịch Ủy ban nhân dân xã", "Bí thư Đảng ủy xã",
    "Chủ tịch Hội đồng nhân dân xã", "Trưởng Công an xã", "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam xã",
    "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã", "Trưởng Phòng Kinh tế", "Trưởng Phòng Văn hóa – Xã hội",
]
AUDIENCES = [
    "các ấp, khu dân cư", "cán bộ, công chức xã", "các hội, đoàn thể", "Nhân dân trên địa bàn xã",
    "các hộ sản xuất kinh doanh", "các trường học trên địa bàn", "Trưởng các ấp", "đoàn viên, hội viên",
]
PEOPLE_GROUPS = ["đại biểu", "hộ dân", "hội viên", "đoàn viên", "học sinh", "cán bộ, công chức", "người dân", "thành viên"]
REQUIREMENTS = [
    "đúng tiến độ, chất lượng và hiệu quả", "công khai, minh bạch, đúng đối tượng", "an toàn, tiết kiệm",
    "không để xảy ra sai sót, chậm trễ", "thiết thực, tránh hình thức", "đúng quy định của pháp luật",
]
ACHIEVEMENTS = [
    "bê tông hóa {n} km đường giao thông nông thôn", "hỗ trợ xây mới và sửa chữa {n} căn nhà cho hộ nghèo",
    "cấp {n} thẻ bảo hiểm y tế cho người dân", "tiếp nhận và giải quyết {n} hồ sơ thủ tục hành chính",
    "vận động {n} hộ tham gia mô hình sản xuất an toàn", "lắp đặt {n} bóng đèn chiếu sáng năng lượng mặt trời",
    "trồng mới {n} cây xanh dọc các tuyến đường", "tổ chức {n} buổi tuyên truyền pháp luật",
    "kích hoạt {n} tài khoản định danh điện tử", "hỗ trợ {n} lao động có việc làm mới",
]
EVENTS = ["hội nghị", "buổi lễ", "cuộc họp", "buổi làm việc", "hội nghị sơ kết", "hội nghị tổng kết", "buổi đối thoại"]
LEGAL = [
    "Luật Tổ chức chính quyền địa phương năm 2025", "Luật Thực hiện dân chủ ở cơ sở năm 2022", "Luật Đất đai năm 2024",
    "Luật Hộ tịch năm 2014", "Luật Ngân sách nhà nước năm 2015", "Luật Phòng, chống thiên tai năm 2013",
    "Luật Nghĩa vụ quân sự năm 2015", "Luật Tiếp cận thông tin năm 2016", "Luật Phòng, chống tham nhũng năm 2018",
    "Nghị định số 61/2018/NĐ-CP của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông",
    "Nghị định số 42/2022/NĐ-CP của Chính phủ về cung cấp thông tin và dịch vụ công trực tuyến",
    "Nghị định số 23/2015/NĐ-CP của Chính phủ về cấp bản sao từ sổ gốc, chứng thực",
    "Kế hoạch số 125/KH-UBND của Ủy ban nhân dân tỉnh", "Nghị quyết của Hội đồng nhân dân xã",
]
LINKS = [
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn"),
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn"),
    ("Cơ sở dữ liệu quốc gia về văn bản pháp luật", "https://vbpl.vn"),
    ("Cổng thông tin điện tử tỉnh Đồng Tháp", "https://dongthap.gov.vn"),
    ("Thủ tục hành chính", "/thu-tuc-hanh-chinh/"),
    ("Văn bản", "/van-ban/"),
    ("Thông báo", "/thong-bao/"),
    ("Ngân sách", "/cong-khai/ngan-sach/"),
]
H2 = [
    "Kết quả đạt được", "Tình hình thực hiện", "Những khó khăn, vướng mắc", "Nhiệm vụ, giải pháp trong thời gian tới",
    "Mục đích, yêu cầu", "Nội dung thực hiện", "Tổ chức thực hiện", "Kinh phí thực hiện", "Đối tượng áp dụng",
    "Thời gian, địa điểm", "Một số lưu ý đối với người dân", "Ý kiến của người dân", "Căn cứ pháp lý", "Phân công nhiệm vụ",
]
H3 = [
    "Về kinh tế", "Về văn hóa – xã hội", "Về quốc phòng – an ninh", "Về xây dựng chính quyền",
    "Đối với các ấp, khu dân cư", "Đối với Công an xã", "Đối với Trạm Y tế xã", "Đối với các hội, đoàn thể",
]
LIST_VERBS = [
    "Rà soát, cập nhật", "Tuyên truyền, vận động", "Kiểm tra, đôn đốc", "Tổ chức thực hiện", "Báo cáo kết quả",
    "Phối hợp triển khai", "Theo dõi, tổng hợp", "Hướng dẫn người dân thực hiện",
]
INDICATORS = [
    ("Diện tích gieo trồng lúa", "ha"), ("Sản lượng lúa", "tấn"), ("Số hộ nghèo", "hộ"),
    ("Tỷ lệ người dân tham gia bảo hiểm y tế", "%"), ("Đường giao thông được bê tông hóa", "km"),
    ("Hồ sơ thủ tục hành chính giải quyết đúng hạn", "hồ sơ"), ("Số lao động được giải quyết việc làm", "người"),
    ("Tỷ lệ hộ dân sử dụng nước sạch", "%"), ("Số gia đình đạt chuẩn văn hóa", "hộ"), ("Thu ngân sách trên địa bàn", "triệu đồng"),
]
BUDGET_ROWS = [
    "Thu ngân sách trên địa bàn", "Thuế sử dụng đất phi nông nghiệp", "Lệ phí trước bạ nhà, đất", "Phí, lệ phí do xã thu",
    "Thu bổ sung từ ngân sách tỉnh", "Chi đầu tư phát triển", "Chi quản lý nhà nước, Đảng, đoàn thể",
    "Chi giáo dục, y tế, văn hóa, thể thao", "Chi đảm bảo xã hội", "Chi quốc phòng, an ninh", "Dự phòng ngân sách",
]
TAGS = [
    "cải cách hành chính", "nông thôn mới", "chuyển đổi số", "an ninh trật tự", "y tế", "giáo dục", "văn hóa",
    "thể thao", "nông nghiệp", "đất đai", "xây dựng", "giao thông", "môi trường", "phòng chống thiên tai",
    "an sinh xã hội", "hộ nghèo", "người có công", "bảo hiểm y tế", "bảo hiểm xã hội", "tiếp công dân",
    "khiếu nại tố cáo", "phòng chống tham nhũng", "dân chủ cơ sở", "ngân sách", "đầu tư công", "quốc phòng",
    "nghĩa vụ quân sự", "phổ biến pháp luật", "hộ tịch", "chứng thực", "thanh niên", "phụ nữ", "cựu chiến binh",
    "khuyến học", "du lịch", "sản phẩm OCOP", "lễ hội", "phòng cháy chữa cháy", "an toàn giao thông",
    "dịch vụ công trực tuyến", "lịch làm việc",
]
INFRA = ["cầu bê tông", "đường giao thông nông thôn", "nhà văn hóa", "trạm bơm điện", "tuyến đèn chiếu sáng năng lượng mặt trời",
         "điểm trường mầm non", "cống thủy lợi", "sân thể thao"]
GIFTS = ["phần quà", "suất học bổng", "xe đạp", "căn nhà đại đoàn kết", "thẻ bảo hiểm y tế"]
BENEFICIARIES = ["hộ nghèo", "học sinh có hoàn cảnh khó khăn", "gia đình chính sách", "người cao tuổi neo đơn", "hộ bị ảnh hưởng do lũ"]
ANNOUNCE = [
    "lịch tiếp công dân", "lịch thu gom rác thải", "kết quả xét tuyển viên chức", "tạm ngừng cung cấp điện",
    "lịch tiêm chủng mở rộng", "khám sức khỏe nghĩa vụ quân sự", "lấy ý kiến Nhân dân về dự thảo quy hoạch",
    "niêm yết công khai danh sách hộ nghèo, hộ cận nghèo", "kế hoạch phun thuốc diệt muỗi", "thay đổi giờ làm việc",
    "đấu giá quyền sử dụng đất", "thu phí vệ sinh môi trường", "tuyển dụng lao động hợp đồng",
    "lịch trực phòng, chống thiên tai", "tiếp nhận hồ sơ hỗ trợ học phí",
]
DOC_TYPES = [("Quyết định", "QĐ-UBND", 35), ("Kế hoạch", "KH-UBND", 25), ("Thông báo", "TB-UBND", 15),
             ("Công văn", "UBND-VP", 15), ("Báo cáo", "BC-UBND", 10)]
DOC_PHRASES = {
    "Quyết định": ["ban hành Quy chế về {obj}", "phê duyệt kế hoạch {obj}", "kiện toàn Ban Chỉ đạo {obj}", "giao chỉ tiêu {obj}"],
    "Kế hoạch": ["triển khai {obj}", "thực hiện {obj}", "kiểm tra {obj}", "tuyên truyền {obj}"],
    "Thông báo": ["kết luận của Chủ tịch Ủy ban nhân dân xã về {obj}", "kết quả {obj}"],
    "Công văn": ["về việc đẩy mạnh {obj}", "về việc rà soát {obj}", "về việc chấn chỉnh {obj}"],
    "Báo cáo": ["kết quả {obj}", "tình hình thực hiện {obj}", "sơ kết {obj}"],
}
PROCEDURES = [
    ("Hộ tịch", ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Đăng ký nhận cha, mẹ, con",
                 "Cấp bản sao trích lục hộ tịch", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
                 "Đăng ký giám hộ", "Cấp giấy xác nhận tình trạng hôn nhân"]),
    ("Chứng thực", ["Chứng thực bản sao từ bản chính", "Chứng thực chữ ký trong giấy tờ, văn bản",
                    "Chứng thực hợp đồng, giao dịch liên quan đến tài sản", "Chứng thực di chúc"]),
    ("Bảo trợ xã hội", ["Trợ cấp xã hội hằng tháng", "Hỗ trợ chi phí mai táng", "Xác định, xác định lại mức độ khuyết tật",
                        "Đăng ký hộ nghèo, hộ cận nghèo phát sinh"]),
    ("Đất đai", ["Hòa giải tranh chấp đất đai", "Xác nhận hiện trạng sử dụng đất", "Đăng ký biến động đất đai"]),
    ("Người có công", ["Hưởng chế độ mai táng phí đối với người có công", "Cấp giấy giới thiệu đi thăm viếng mộ liệt sĩ"]),
    ("Thi đua – khen thưởng", ["Tặng giấy khen của Chủ tịch Ủy ban nhân dân xã", "Tặng danh hiệu Lao động tiên tiến"]),
    ("Văn hóa", ["Công nhận danh hiệu Gia đình văn hóa", "Đăng ký tổ chức lễ hội"]),
    ("Nuôi con nuôi", ["Đăng ký việc nuôi con nuôi trong nước"]),
]
PROC_VARIANTS = ["", "", " có yếu tố nước ngoài", " lưu động", " (liên thông)", " cho người đã có hồ sơ, giấy tờ cá nhân", " (trường hợp đặc biệt)"]
PAPERS = [
    "Tờ khai theo mẫu quy định", "Bản sao giấy tờ chứng minh nhân thân", "Giấy tờ chứng minh nơi cư trú",
    "Văn bản ủy quyền có chứng thực (nếu ủy quyền)", "Đơn đề nghị của người yêu cầu",
    "Bản chính giấy tờ để đối chiếu", "Biên bản xác minh của công chức chuyên môn", "Giấy xác nhận của cơ sở y tế",
]
STEPS = [
    "Người yêu cầu nộp hồ sơ tại Trung tâm Phục vụ hành chính công xã hoặc nộp trực tuyến",
    "Công chức tiếp nhận kiểm tra tính đầy đủ của hồ sơ; hồ sơ chưa đầy đủ thì hướng dẫn bổ sung một lần",
    "Công chức chuyên môn thẩm định hồ sơ, trình Chủ tịch Ủy ban nhân dân xã",
    "Chủ tịch Ủy ban nhân dân xã xem xét, ký kết quả giải quyết",
    "Trả kết quả tại Trung tâm Phục vụ hành chính công xã hoặc qua dịch vụ bưu chính công ích",
]
LAW_TOPICS = [
    "quyền và nghĩa vụ của người sử dụng đất", "đăng ký cư trú", "phòng, chống bạo lực gia đình",
    "xử phạt vi phạm hành chính về trật tự an toàn giao thông", "bảo vệ dữ liệu cá nhân", "hòa giải ở cơ sở",
    "phòng, chống ma túy", "quyền trẻ em", "nghĩa vụ quân sự", "bảo hiểm xã hội tự nguyện",
]
SCAMS = ["giả danh cơ quan công an qua điện thoại", "mời đầu tư tài chính trên mạng xã hội", "tuyển cộng tác viên bán hàng trực tuyến",
         "cài đặt ứng dụng dịch vụ công giả mạo", "nhắn tin trúng thưởng"]
BUDGET_ITEMS = ["dự toán ngân sách xã", "quyết toán ngân sách xã", "tình hình thực hiện dự toán ngân sách quý {q}",
                "kết quả thu, chi Quỹ Vì người nghèo", "các khoản đóng góp tự nguyện của Nhân dân", "dự toán chi đầu tư công"]

EDIT_SENTENCE = "Ủy ban nhân dân xã sẽ tiếp tục theo dõi, đôn đốc và cập nhật kết quả thực hiện trên Trang thông tin điện tử."

# --- helpers -------------------------------------------------------------------------------


def slugify(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


_PLAIN_YAML = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9][^#]*")


_DOC_NUMBER = re.compile(r"\d+/[A-ZĐ][\w-]*")


def yq(value: str) -> str:
    """A YAML scalar: plain when that reads back as the same string, else double-quoted."""
    if _DOC_NUMBER.fullmatch(value):  # 15/QĐ-UBND: a string to YAML, written bare as people do
        return value
    if _PLAIN_YAML.fullmatch(value) and ": " not in value and not value.endswith(":") and value.lower() not in ("yes", "no", "true", "false", "null", "on", "off"):
        return value
    return json.dumps(value, ensure_ascii=False)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def vn_number(n: int) -> str:
    """12345 -> '12.345' (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def vn_date(d: datetime) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


@dataclass
class PageData:
    index: int
    section: SectionDef
    title: str
    slug: str
    date: datetime
    summary: str
    tags: list[str]
    body: str
    document: dict | None = None
    procedure: dict | None = None
    paths: dict[str, str] = field(default_factory=dict)


class Writer:
    """Vietnamese administrative prose from word lists, driven by one Random."""

    def __init__(self, rng: random.Random):
        self.r = rng

    def person(self) -> str:
        """'ông Nguyễn Văn Hùng' or 'bà Trần Thị Lan'."""
        if self.r.random() < 0.5:
            return f"ông {self.r.choice(FAMILY)} {self.r.choice(MIDDLE_M)} {self.r.choice(GIVEN_M)}"
        return f"bà {self.r.choice(FAMILY)} {self.r.choice(MIDDLE_F)} {self.r.choice(GIVEN_F)}"

    def period(self, d: datetime) -> str:
        r = self.r.random()
        if r < 0.3:
            return f"năm {d.year}"
        if r < 0.5:
            return f"tháng {d.month}/{d.year}"
        if r < 0.65:
            return f"quý {(d.month - 1) // 3 + 1} năm {d.year}"
        if r < 0.8:
            return f"6 tháng đầu năm {d.year}"
        if r < 0.9:
            return f"giai đoạn 2021–2025"
        return f"năm học {d.year}–{d.year + 1}"

    def maybe_bold(self, text: str, p: float = 0.12) -> str:
        return f"**{text}**" if self.r.random() < p else text

    def sentence(self, d: datetime, k: int | None = None) -> str:
        r = self.r
        k = r.randrange(12) if k is None else k
        org, obj = r.choice(ORGS), self.maybe_bold(r.choice(OBJECTS))
        if k == 0:
            return f"{org} đã {r.choice(VERBS)} {obj} {self.period(d)}, với sự tham gia của {r.randint(30, 450)} {r.choice(PEOPLE_GROUPS)}."
        if k == 1:
            ach = r.choice(ACHIEVEMENTS).format(n=vn_number(r.randint(5, 2400)))
            return f"Theo báo cáo của {org}, {self.period(d)} toàn xã đã {ach}, đạt {r.randint(72, 128)}% kế hoạch."
        if k == 2:
            return (f"Phát biểu tại {r.choice(EVENTS)}, {self.person()}, {r.choice(ROLES)}, đề nghị {r.choice(AUDIENCES)} "
                    f"tiếp tục {r.choice(VERBS)} {obj}, bảo đảm {r.choice(REQUIREMENTS)}.")
        if k == 3:
            return f"Để thực hiện có hiệu quả {obj}, {org} yêu cầu {r.choice(AUDIENCES)} chủ động xây dựng kế hoạch cụ thể, phân công rõ người, rõ việc, rõ thời hạn."
        if k == 4:
            return f"Người dân có nhu cầu được hướng dẫn có thể liên hệ {r.choice(ORGS)} trong giờ hành chính hoặc gọi số điện thoại {HOTLINE}."
        if k == 5:
            total = r.randint(200, 9000)
            return (f"Tổng kinh phí thực hiện là {vn_number(total)} triệu đồng, trong đó ngân sách nhà nước hỗ trợ {r.randint(50, 95)}%, "
                    f"phần còn lại do Nhân dân và các nhà hảo tâm đóng góp.")
        if k == 6:
            n = r.randint(120, 3500)
            return f"Trong {self.period(d)}, {r.choice(ORGS)} đã tiếp nhận {vn_number(n)} hồ sơ, giải quyết đúng hạn {r.randint(95, 100)}%, không có hồ sơ quá hạn."
        if k == 7:
            return (f"{org} đề nghị các cơ quan, đơn vị và {r.choice(AUDIENCES)} nghiêm túc triển khai thực hiện; trong quá trình thực hiện "
                    f"nếu có khó khăn, vướng mắc kịp thời báo cáo về {r.choice(ORGS)} để được hướng dẫn.")
        if k == 8:
            return f"Căn cứ {r.choice(LEGAL)}, {org} đã {r.choice(VERBS)} {obj} trên địa bàn xã."
        if k == 9:
            title, url = r.choice(LINKS)
            return f"Thông tin chi tiết được đăng tải tại mục [{title}]({url}) để Nhân dân tiện theo dõi."
        if k == 10:
            return f"Tại {r.choice(PLACES)}, bà con đã tích cực hưởng ứng {obj}, góp phần nâng cao đời sống vật chất và tinh thần của Nhân dân."
        return f"Qua đó, {r.choice(OBJECTS)} từng bước đi vào nền nếp, tạo chuyển biến rõ nét trong nhận thức và hành động của {r.choice(AUDIENCES)}."

    def paragraph(self, d: datetime) -> str:
        kinds = self.r.sample(range(12), self.r.randint(2, 5))  # no sentence pattern twice in a paragraph
        return " ".join(self.sentence(d, k) for k in kinds)

    def bullet_list(self) -> str:
        ordered = self.r.random() < 0.3
        items = []
        for i in range(self.r.randint(3, 6)):
            text = f"{self.r.choice(LIST_VERBS)} {self.r.choice(OBJECTS)} tại {self.r.choice(PLACES)}."
            items.append(f"{i + 1}. {text}" if ordered else f"- {text}")
        return "\n".join(items)

    def table(self, d: datetime) -> str:
        rows = self.r.sample(INDICATORS, self.r.randint(3, 6))
        lines = ["| STT | Chỉ tiêu | Đơn vị tính | Kế hoạch | Thực hiện | Tỷ lệ (%) |", "|---:|---|---|---:|---:|---:|"]
        for i, (name, unit) in enumerate(rows, 1):
            plan = self.r.randint(20, 5000)
            done = int(plan * self.r.uniform(0.7, 1.3))
            lines.append(f"| {i} | {name} | {unit} | {vn_number(plan)} | {vn_number(done)} | {round(100 * done / plan)} |")
        return "\n".join(lines)

    def budget_table(self) -> str:
        rows = self.r.sample(BUDGET_ROWS, self.r.randint(5, 9))
        lines = ["| Nội dung | Dự toán (triệu đồng) | Thực hiện (triệu đồng) |", "|---|---:|---:|"]
        total_a = total_b = 0
        for name in rows:
            a = self.r.randint(150, 22000)
            b = int(a * self.r.uniform(0.4, 1.1))
            total_a, total_b = total_a + a, total_b + b
            lines.append(f"| {name} | {vn_number(a)} | {vn_number(b)} |")
        lines.append(f"| **Tổng cộng** | **{vn_number(total_a)}** | **{vn_number(total_b)}** |")
        return "\n".join(lines)

    def quote(self) -> str:
        text = f"{self.sentence(datetime(2024, 1, 1))}"
        return f"> {text}\n>\n> — {cap(self.person())}, {self.r.choice(PLACES)}"

    def body(self, d: datetime, target: int, table: bool, budget: bool) -> str:
        blocks = [self.paragraph(d), self.paragraph(d)]
        size = sum(len(b.encode()) for b in blocks)
        headings = self.r.sample(H2, len(H2))
        placed_table = False
        while size < target:
            part = [f"## {headings.pop() if headings else self.r.choice(H2)}", self.paragraph(d)]
            roll = self.r.random()
            if budget and not placed_table:
                part.append(self.budget_table())
                placed_table = True
            elif table and not placed_table and roll < 0.5:
                part.append(self.table(d))
                placed_table = True
            elif roll < 0.55:
                part.append(self.bullet_list())
            elif roll < 0.75:
                part += [f"### {self.r.choice(H3)}", self.paragraph(d)]
                if self.r.random() < 0.5:
                    part.append(self.bullet_list())
            elif roll < 0.82:
                part.append(self.quote())
            if self.r.random() < 0.4:
                part.append(self.paragraph(d))
            blocks += part
            size += sum(len(b.encode()) + 2 for b in part)
        return "\n\n".join(blocks) + "\n"


# --- page data -----------------------------------------------------------------------------


def make_pages(n: int) -> list[PageData]:
    r = random.Random(n)
    w = Writer(r)
    shares = [s.share for s in SECTIONS]
    # Exact section counts (largest remainder) so every corpus has the intended mix.
    counts = [int(n * s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: -(n * shares[i] - counts[i]))[: n - sum(counts)]:
        counts[i] += 1
    order = [s for s, c in zip(SECTIONS, counts) for _ in range(c)]
    r.shuffle(order)

    start = datetime(2020, 1, 1)
    span_minutes = int((datetime(2025, 12, 31, 17, 0) - start).total_seconds() // 60)
    slugs: set[str] = set()
    doc_numbers: dict[tuple[int, str], int] = {}
    pages = []
    for i, section in enumerate(order):
        d = start + timedelta(minutes=r.randrange(span_minutes))
        d = d.replace(hour=r.randint(7, 16), minute=r.choice(range(0, 60, 5)), second=0)
        period = w.period(d)
        obj = r.choice(OBJECTS)
        document = procedure = None
        table = r.random() < 0.2
        budget = False
        ntags = r.choice((1, 1, 2, 2, 2, 3))
        tags = r.sample(TAGS, ntags)
        if section.path == "tin-tuc":
            k = r.randrange(4)
            if k == 0:
                title = f"{r.choice(ORGS)} {r.choice(VERBS)} {obj} {period}"
            elif k == 1:
                title = f"Khánh thành {r.choice(INFRA)} tại {r.choice(PLACES)}"
            elif k == 2:
                title = f"{cap(r.choice(PLACES))}: {r.choice(VERBS)} {obj}"
            else:
                title = f"Trao {r.randint(10, 300)} {r.choice(GIFTS)} cho {r.choice(BENEFICIARIES)} {period}"
        elif section.path == "thong-bao":
            title = f"Thông báo {r.choice(ANNOUNCE)} {period}"
        elif section.path == "chi-dao-dieu-hanh":
            k = r.randrange(3)
            if k == 0:
                title = f"Kết luận của Chủ tịch UBND xã tại cuộc họp giao ban tháng {d.month}/{d.year}"
            elif k == 1:
                title = f"Lịch công tác tuần {d.isocalendar()[1]} năm {d.year} của lãnh đạo UBND xã"
            else:
                title = f"Chỉ đạo {r.choice(VERBS)} {obj} {period}"
        elif section.path == "pho-bien-phap-luat":
            k = r.randrange(4)
            if k == 0:
                title = f"Những điểm mới của {r.choice(LEGAL[:9])}"
            elif k == 1:
                title = f"Cảnh giác với thủ đoạn lừa đảo {r.choice(SCAMS)}"
            elif k == 2:
                title = f"Tìm hiểu quy định về {r.choice(LAW_TOPICS)}"
            else:
                title = f"Hỏi đáp pháp luật về {r.choice(LAW_TOPICS)}"
        elif section.path == "cong-khai/ngan-sach":
            item = r.choice(BUDGET_ITEMS).format(q=(d.month - 1) // 3 + 1)
            title = f"Công khai {item} năm {d.year}"
            budget = True
            tags = list(dict.fromkeys(["ngân sách", *tags]))[:3]
        elif section.path == "van-ban":
            doc_type, suffix, _ = r.choices(DOC_TYPES, weights=[t[2] for t in DOC_TYPES])[0]
            number = doc_numbers.get((d.year, suffix), r.randint(1, 9)) + r.randint(1, 4)
            doc_numbers[(d.year, suffix)] = number
            phrase = r.choice(DOC_PHRASES[doc_type]).format(obj=obj)
            title = f"{doc_type} {phrase} {period}"
            number_text = f"{number}/{suffix}"
            document = {
                "number": number_text,
                "doc_type": doc_type,
                "issuer": COMMITTEE,
                "signer": r.choice(LEADERS)[0],
                "issued": d.strftime("%Y-%m-%d"),
            }
            if doc_type in ("Quyết định", "Kế hoạch") and r.random() < 0.7:
                document["effective"] = (d + timedelta(days=r.choice((0, 0, 10, 15)))).strftime("%Y-%m-%d")
        else:  # thu-tuc-hanh-chinh
            fld, names = r.choice(PROCEDURES)
            title = r.choice(names) + r.choice(PROC_VARIANTS)
            procedure = {
                "field": fld,
                "code": f"1.{r.randint(0, 14999):06d}",
                "processing_time": r.choice(["Ngay trong ngày làm việc tiếp nhận hồ sơ", "03 ngày làm việc", "05 ngày làm việc",
                                             "10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "15 ngày làm việc"]),
                "fee": r.choice(["Miễn phí", "Miễn lệ phí", "8.000 đồng/bản", "10.000 đồng/trường hợp", "2.000 đồng/trang, từ trang thứ ba trở đi 1.000 đồng/trang"]),
                "papers": r.sample(PAPERS, r.randint(2, 5)),
                "steps": STEPS[: r.randint(3, 5)],
                "method": "Nộp trực tiếp tại Trung tâm Phục vụ hành chính công xã, qua dịch vụ bưu chính hoặc trực tuyến trên Cổng Dịch vụ công quốc gia",
                "submit_at": f"Trung tâm Phục vụ hành chính công xã {COMMUNE}, {ADDRESS.split(', xã')[0]}",
                "eligible": r.choice(["Công dân Việt Nam cư trú trên địa bàn xã", "Cá nhân, tổ chức", "Người có công và thân nhân",
                                      "Hộ gia đình, cá nhân sử dụng đất"]),
                "agency": COMMITTEE,
                "result": r.choice(["Giấy chứng nhận, trích lục theo quy định", "Quyết định của Chủ tịch Ủy ban nhân dân xã",
                                    "Bản sao được chứng thực", "Văn bản trả lời của Ủy ban nhân dân xã"]),
            }
            if r.random() < 0.5:
                procedure["conditions"] = "Hồ sơ đầy đủ, hợp lệ theo quy định; người yêu cầu chịu trách nhiệm về tính hợp pháp của giấy tờ đã nộp"
        title = title[:1].upper() + title[1:]
        if document:
            base_slug = slugify(f"{document['number'].split('/')[1].split('-')[0]}-{document['number'].split('/')[0]}-{d.year}")
        else:
            base_slug = "-".join(slugify(title).split("-")[:10])
        slug, k = base_slug, 2
        while slug in slugs:
            slug, k = f"{base_slug}-{k}", k + 1
        slugs.add(slug)
        summary = w.sentence(d)
        summary = re.sub(r"\*\*|\[|\]\([^)]*\)", "", summary)  # plain text
        target = int(r.triangular(1300, 5500, 2300))
        body = w.body(d, target, table, budget)
        pages.append(PageData(i, section, title, slug, d, summary, tags, body, document, procedure))
    return pages


# --- writers: one per layout ---------------------------------------------------------------------


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _yaml_fields(d: dict, indent: str = "") -> list[str]:
    out = []
    for key, value in d.items():
        if isinstance(value, list):
            out.append(f"{indent}{key}:")
            out += [f"{indent}  - {yq(v)}" for v in value]
        elif key in ("issued", "effective"):  # dates, bare as in hand-written front matter
            out.append(f"{indent}{key}: {value}")
        else:
            out.append(f"{indent}{key}: {yq(value)}")
    return out


def write_xaweb(root: Path, pages: list[PageData]) -> None:
    leaders = "\n".join(f"  - name: {n}\n    role: {yq(r)}" for n, r in LEADERS)
    _write(root / "site.yaml", f"""# Benchmark corpus: a FICTITIOUS commune generated by bench/corpus.py.
name: {COMMUNE}
kind: xã
code: "99999"
province: {PROVINCE}
base_url: {BASE_URL}
language: vi
theme: default
title: {SITE_TITLE}
description: {yq(DESCRIPTION)}
contact:
  address: {yq(ADDRESS)}
  phone: {PHONE}
  email: {EMAIL}
  hotline: {HOTLINE}
  working_hours: Sáng 7 giờ 00 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ 00, từ thứ Hai đến thứ Sáu
leaders:
{leaders}
quick_links:
  - title: Cổng Dịch vụ công quốc gia
    url: https://dichvucong.gov.vn
    description: Nộp hồ sơ, thanh toán phí, lệ phí trực tuyến
footer:
  responsible: Ông {LEADERS[0][0]} – {LEADERS[0][1]}
  license: Ghi rõ nguồn khi phát hành lại thông tin từ trang này.
feeds:
  items: 20
  full_content: false
paginate: 10
""")
    _write(root / "content" / "_index.md", f"---\ntitle: Chào mừng đến với {SITE_TITLE}\n---\n{DESCRIPTION}\n")
    for path, (title, weight, intro) in PARENT_SECTIONS.items():
        _write(root / "content" / path / "_index.md", f"---\ntitle: {yq(title)}\nweight: {weight}\n---\n{intro}\n")
    for s in SECTIONS:
        kind = f"kind: {s.kind}\n" if s.kind != "article" else ""
        _write(root / "content" / s.path / "_index.md", f"---\ntitle: {yq(s.title)}\nweight: {s.weight}\n{kind}---\n{s.intro}\n")
    for p in pages:
        fm = [f"title: {yq(p.title)}", f"date: {p.date:%Y-%m-%d %H:%M}", f"slug: {p.slug}", f"summary: {yq(p.summary)}",
              f"tags: [{', '.join(p.tags)}]"]
        fm += _yaml_fields(p.document or {}) + _yaml_fields(p.procedure or {})
        rel = f"content/{p.section.path}/{p.slug}.md"
        p.paths["xaweb"] = rel
        _write(root / rel, "---\n" + "\n".join(fm) + "\n---\n" + p.body)


# Hugo: a small theme-less layout set, comparable to a real theme (header, nav,
# breadcrumbs, footer, lists with pagination, tags, document and procedure details).
HUGO_CONFIG = f"""baseURL = "{BASE_URL}/"
locale = "vi"
defaultContentLanguage = "vi"
capitalizeListTitles = false
title = "{SITE_TITLE}"
timeZone = "Asia/Ho_Chi_Minh"
removePathAccents = true
enableRobotsTXT = true
buildFuture = true

[pagination]
  pagerSize = 10

[taxonomies]
  tag = "tags"

[services.rss]
  limit = 20

[markup.tableOfContents]
  startLevel = 2
  endLevel = 3

[params]
  description = "{DESCRIPTION}"
  committee = "{COMMITTEE}"
  address = "{ADDRESS}"
  phone = "{PHONE}"
  email = "{EMAIL}"
  hotline = "{HOTLINE}"
  responsible = "Ông {LEADERS[0][0]} – {LEADERS[0][1]}"
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{- $desc := site.Params.description -}}
{{- if .IsPage }}{{ $desc = .Summary | plainify }}{{ end }}
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} – {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ $desc }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">
<meta name="DC.title" content="{{ .Title }}">
<meta name="DC.creator" content="{{ site.Params.committee }}">
<meta name="DC.publisher" content="{{ site.Params.committee }}">
{{ if .IsPage }}<meta name="DC.date" content="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ end }}
<meta name="DC.description" content="{{ $desc }}">
<meta name="DC.language" content="vi">
<meta name="DC.identifier" content="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:description" content="{{ $desc }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
<meta property="og:site_name" content="{{ site.Title }}">
<meta property="og:locale" content="vi_VN">
{{ if .IsPage }}{{ range .Params.tags }}<meta property="article:tag" content="{{ . }}">
{{ end }}{{ end -}}
{{ range .AlternativeOutputFormats -}}
<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}" title="{{ site.Title }}">
{{ end -}}
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
{{ partial "header.html" . }}
{{ partial "nav.html" . }}
<main id="noi-dung" tabindex="-1">
<div class="wrap">
{{ block "main" . }}{{ end }}
<p class="print-only">Địa chỉ trang: {{ .Permalink }}</p>
</div>
</main>
{{ partial "footer.html" . }}
</body>
</html>
""",
    "home.html": """{{ define "main" }}
<section class="intro">{{ .Content }}</section>
{{ $blocks := slice (dict "path" "tin-tuc" "title" "Tin tức – Sự kiện" "n" 6) (dict "path" "thong-bao" "title" "Thông báo" "n" 5) (dict "path" "van-ban" "title" "Văn bản mới" "n" 5) }}
{{ range $blocks }}
{{ $b := . }}
<section class="home-block">
  <h2><a href="{{ printf "/%s/" $b.path | relURL }}">{{ $b.title }}</a></h2>
  <ul class="home-list">
  {{ range first $b.n (where site.RegularPages "Section" $b.path) }}
    <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "02/01/2006" }}</time></li>
  {{ end }}
  </ul>
</section>
{{ end }}
<section class="quick-links">
  <h2>Dịch vụ công</h2>
  <ul><li><a href="https://dichvucong.gov.vn">Cổng Dịch vụ công quốc gia</a> – nộp hồ sơ, thanh toán phí, lệ phí trực tuyến</li></ul>
</section>
{{ end }}
""",
    "single.html": """{{ define "main" }}
{{ partial "breadcrumbs.html" . }}
<article class="article">
  <header class="article-header">
    <h1>{{ .Title }}</h1>
    <p class="page-meta">Ngày đăng: <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "02/01/2006" }}</time>
    {{ with .Section }} · Chuyên mục: <a href="{{ $.Parent.RelPermalink }}">{{ $.Parent.Title }}</a>{{ end }}</p>
    <button type="button" class="print-button" onclick="window.print()">In trang</button>
  </header>
  {{ if .Params.number }}{{ partial "document.html" . }}{{ end }}
  {{ if .Params.field }}{{ partial "procedure.html" . }}{{ end }}
  {{ if .Fragments.Identifiers }}
  <nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">Nội dung chính</h2>{{ .TableOfContents }}</nav>
  {{ end }}
  <div class="prose">
    {{ .Content }}
  </div>
  {{ partial "tag_links.html" . }}
</article>
{{ end }}
""",
    "list.html": """{{ define "main" }}
{{ partial "breadcrumbs.html" . }}
<header class="list-header">
  <h1>{{ .Title }}{{ if gt .Paginator.PageNumber 1 }} – trang {{ .Paginator.PageNumber }}/{{ .Paginator.TotalPages }}{{ end }}</h1>
  {{ with .Content }}<div class="intro">{{ . }}</div>{{ end }}
  <p class="feed-link"><a href="{{ with .OutputFormats.Get "rss" }}{{ .RelPermalink }}{{ end }}">Nhận tin RSS</a></p>
</header>
{{ with .Sections }}
<ul class="child-sections">{{ range .ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
{{ $pager := .Paginate .RegularPages }}
{{ if eq .Section "van-ban" }}
<table class="documents">
  <caption>Danh sách văn bản</caption>
  <thead><tr><th scope="col">Số/Ký hiệu</th><th scope="col">Ngày ban hành</th><th scope="col">Trích yếu</th></tr></thead>
  <tbody>
  {{ range $pager.Pages }}
  <tr><td>{{ .Params.number }}</td><td>{{ .Date.Format "02/01/2006" }}</td><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td></tr>
  {{ end }}
  </tbody>
</table>
{{ else }}
<div class="item-list">
  {{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}
</div>
{{ end }}
{{ partial "pagination.html" . }}
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
{{ partial "breadcrumbs.html" . }}
<h1>Chủ đề</h1>
<ul class="tag-cloud">
{{ range .Data.Terms.Alphabetical }}
  <li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="count">({{ .Count }})</span></li>
{{ end }}
</ul>
{{ end }}
""",
    "term.html": """{{ define "main" }}
{{ partial "breadcrumbs.html" . }}
<h1>Chủ đề: {{ .Title }}{{ if gt .Paginator.PageNumber 1 }} – trang {{ .Paginator.PageNumber }}/{{ .Paginator.TotalPages }}{{ end }}</h1>
<div class="item-list">
  {{ range .Paginator.Pages }}{{ partial "card.html" . }}{{ end }}
</div>
{{ partial "pagination.html" . }}
{{ end }}
""",
    "404.html": """{{ define "main" }}
<h1>Không tìm thấy trang</h1>
<p>Trang bạn tìm không tồn tại hoặc đã được chuyển đi. Hãy quay lại <a href="{{ "/" | relURL }}">trang chủ</a>.</p>
{{ end }}
""",
    "_partials/header.html": """<header class="site-header">
  <div class="wrap">
    <a class="brand" href="{{ "/" | relURL }}">
      <span class="brand-body">{{ site.Params.committee }}</span>
      <span class="brand-name">{{ site.Title }}</span>
    </a>
    <p class="hotline">Đường dây nóng: <a href="tel:{{ replace site.Params.hotline " " "" }}">{{ site.Params.hotline }}</a></p>
  </div>
</header>
""",
    # The menu comes from [menus.main] in hugo.toml (written from SECTIONS), the
    # idiomatic and cheap way: ranging over site.Sections on every page costs O(pages).
    "_partials/nav.html": """{{ $here := .RelPermalink }}
<nav class="site-nav" aria-label="Trình đơn chính">
  <div class="wrap">
    <details class="menu">
      <summary>Trình đơn</summary>
      <ul class="menu-list">
        <li><a href="{{ "/" | relURL }}"{{ if .IsHome }} aria-current="page"{{ end }}>Trang chủ</a></li>
        {{ range site.Menus.main }}
        <li><a href="{{ .URL }}"{{ if hasPrefix $here .URL }} aria-current="page"{{ end }}>{{ .Name }}</a>
          {{ if .HasChildren }}
          <ul class="submenu">
            {{ range .Children }}<li><a href="{{ .URL }}"{{ if hasPrefix $here .URL }} aria-current="page"{{ end }}>{{ .Name }}</a></li>{{ end }}
          </ul>
          {{ end }}
        </li>
        {{ end }}
      </ul>
    </details>
  </div>
</nav>
""",
    "_partials/footer.html": """<footer class="site-footer">
  <div class="wrap">
    <p class="footer-name">{{ site.Title }}</p>
    <dl class="footer-facts">
      <div><dt>Cơ quan chủ quản</dt><dd>{{ site.Params.committee }}</dd></div>
      <div><dt>Địa chỉ</dt><dd>{{ site.Params.address }}</dd></div>
      <div><dt>Điện thoại</dt><dd><a href="tel:{{ replace site.Params.phone " " "" }}">{{ site.Params.phone }}</a></dd></div>
      <div><dt>Thư điện tử</dt><dd><a href="mailto:{{ site.Params.email }}">{{ site.Params.email }}</a></dd></div>
      <div><dt>Người chịu trách nhiệm nội dung</dt><dd>{{ site.Params.responsible }}</dd></div>
    </dl>
    <ul class="footer-links">
      <li><a href="{{ "/tags/" | relURL }}">Tất cả chủ đề</a></li>
      <li><a href="{{ "/sitemap.xml" | relURL }}">Sơ đồ trang</a></li>
      <li><a href="{{ "/index.xml" | relURL }}">RSS</a></li>
    </ul>
    {{ if not .Lastmod.IsZero }}<p class="footer-updated">Cập nhật lần cuối: <time datetime="{{ .Lastmod.Format "2006-01-02" }}">{{ .Lastmod.Format "02/01/2006" }}</time></p>{{ end }}
  </div>
</footer>
""",
    "_partials/breadcrumbs.html": """<nav class="breadcrumbs" aria-label="Vị trí">
  <ol>
    <li><a href="{{ "/" | relURL }}">Trang chủ</a></li>
    {{ range .Ancestors.Reverse }}{{ if not .IsHome }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
    <li aria-current="page">{{ .Title }}</li>
  </ol>
</nav>
""",
    "_partials/card.html": """<article class="card">
  <h2 class="card-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <p class="card-meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "02/01/2006" }}</time>{{ with .Params.number }} · Số {{ . }}{{ end }}{{ with .Params.field }} · Lĩnh vực {{ . }}{{ end }}</p>
  <p class="card-summary">{{ .Summary | plainify }}</p>
</article>
""",
    "_partials/pagination.html": """{{ $p := .Paginator }}
{{ if gt $p.TotalPages 1 }}
{{ $cur := $p.PageNumber }}{{ $last := $p.TotalPages }}
<nav class="pagination" aria-label="Phân trang">
  <p class="pagination-status">Trang {{ $cur }}/{{ $last }}</p>
  <ul>
    {{ with $p.Prev }}<li><a href="{{ .URL }}" rel="prev">Trang trước</a></li>{{ end }}
    {{ range $p.Pagers }}
    {{ $n := .PageNumber }}
    {{ if or (eq $n 1) (eq $n $last) (and (ge $n (sub $cur 2)) (le $n (add $cur 2))) }}
    <li><a href="{{ .URL }}"{{ if eq $n $cur }} aria-current="page"{{ end }}><span class="visually-hidden">Trang </span>{{ $n }}</a></li>
    {{ else if or (eq $n (sub $cur 3)) (eq $n (add $cur 3)) }}
    <li><span class="gap">…</span></li>
    {{ end }}
    {{ end }}
    {{ with $p.Next }}<li><a href="{{ .URL }}" rel="next">Trang sau</a></li>{{ end }}
  </ul>
</nav>
{{ end }}
""",
    "_partials/tag_links.html": """{{ with .GetTerms "tags" }}
<p class="tag-links">Chủ đề:
  {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}
</p>
{{ end }}
""",
    "_partials/document.html": """<table class="doc-info">
  <caption>Thông tin văn bản</caption>
  <tbody>
    <tr><th scope="row">Số, ký hiệu</th><td>{{ .Params.number }}</td></tr>
    <tr><th scope="row">Hình thức</th><td>{{ .Params.doc_type }}</td></tr>
    <tr><th scope="row">Cơ quan ban hành</th><td>{{ .Params.issuer }}</td></tr>
    {{ with .Params.signer }}<tr><th scope="row">Người ký</th><td>{{ . }}</td></tr>{{ end }}
    {{ with .Params.issued }}<tr><th scope="row">Ngày ban hành</th><td>{{ time.Format "02/01/2006" . }}</td></tr>{{ end }}
    {{ with .Params.effective }}<tr><th scope="row">Ngày hiệu lực</th><td>{{ time.Format "02/01/2006" . }}</td></tr>{{ end }}
  </tbody>
</table>
""",
    "_partials/procedure.html": """<table class="procedure-info">
  <caption>Thông tin thủ tục</caption>
  <tbody>
    <tr><th scope="row">Lĩnh vực</th><td>{{ .Params.field }}</td></tr>
    {{ with .Params.code }}<tr><th scope="row">Mã thủ tục</th><td>{{ . }}</td></tr>{{ end }}
    {{ with .Params.processing_time }}<tr><th scope="row">Thời hạn giải quyết</th><td>{{ . }}</td></tr>{{ end }}
    {{ with .Params.fee }}<tr><th scope="row">Phí, lệ phí</th><td>{{ . }}</td></tr>{{ end }}
    {{ with .Params.method }}<tr><th scope="row">Cách thức thực hiện</th><td>{{ . }}</td></tr>{{ end }}
    {{ with .Params.submit_at }}<tr><th scope="row">Nơi tiếp nhận</th><td>{{ . }}</td></tr>{{ end }}
    {{ with .Params.eligible }}<tr><th scope="row">Đối tượng thực hiện</th><td>{{ . }}</td></tr>{{ end }}
    {{ with .Params.agency }}<tr><th scope="row">Cơ quan giải quyết</th><td>{{ . }}</td></tr>{{ end }}
    {{ with .Params.result }}<tr><th scope="row">Kết quả</th><td>{{ . }}</td></tr>{{ end }}
    {{ with .Params.conditions }}<tr><th scope="row">Điều kiện</th><td>{{ . }}</td></tr>{{ end }}
  </tbody>
</table>
{{ with .Params.papers }}<h2>Thành phần hồ sơ</h2><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ with .Params.steps }}<h2>Trình tự thực hiện</h2><ol>{{ range . }}<li>{{ . }}</li>{{ end }}</ol>{{ end }}
<p><a class="button" href="https://dichvucong.gov.vn">Nộp hồ sơ trực tuyến</a></p>
""",
}

HUGO_CSS = """:root { --ink: #1b1b1b; --brand: #a3161a; --muted: #555; --line: #ddd; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.6 system-ui, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
.skip-link { position: absolute; left: -999px; } .skip-link:focus { left: 1rem; top: 1rem; background: #fff; }
.site-header { background: var(--brand); color: #fff; padding: 1rem 0; }
.site-header a { color: #fff; text-decoration: none; } .brand span { display: block; }
.brand-name { font-size: 1.4rem; font-weight: 700; }
.site-nav { background: #7d1114; } .site-nav a { color: #fff; padding: .5rem .75rem; display: block; }
.menu-list { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; }
.submenu { list-style: none; padding-left: 1rem; }
.breadcrumbs ol { list-style: none; padding: 0; display: flex; gap: .5rem; flex-wrap: wrap; font-size: .9rem; }
.breadcrumbs li + li::before { content: "›"; margin-right: .5rem; }
.card { border-bottom: 1px solid var(--line); padding: .75rem 0; } .card-title { font-size: 1.15rem; margin: 0; }
.card-meta, .page-meta { color: var(--muted); font-size: .9rem; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid var(--line); padding: .4rem .6rem; text-align: left; }
.pagination ul { list-style: none; display: flex; gap: .25rem; padding: 0; }
.pagination a { display: block; padding: .25rem .6rem; border: 1px solid var(--line); }
.pagination a[aria-current] { background: var(--brand); color: #fff; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.toc { background: #f6f6f6; padding: .5rem 1rem; }
.site-footer { background: #f3f0ea; margin-top: 2rem; padding: 1.5rem 0; font-size: .95rem; }
.footer-facts div { display: flex; gap: .5rem; } .footer-facts dt { font-weight: 600; } .footer-facts dd { margin: 0; }
.print-only { display: none; }
@media print { .site-nav, .print-button, .skip-link { display: none; } .print-only { display: block; } }
"""


def hugo_menu() -> str:
    """[menus.main] from the sections, ordered by weight like xaweb's default menu."""
    entries = [(w, p, t, "") for p, (t, w, _) in PARENT_SECTIONS.items()]
    for s in SECTIONS:
        parent = s.path.rpartition("/")[0]
        entries.append((s.weight, s.path, s.title, parent))
    out = []
    for weight, path, title, parent in sorted(entries):
        out += ["", "[[menus.main]]", f'  identifier = "{path}"', f'  name = "{title}"', f'  pageRef = "/{path}"', f"  weight = {weight}"]
        if parent:
            out.append(f'  parent = "{parent}"')
    return "\n".join(out) + "\n"


def write_hugo(root: Path, pages: list[PageData]) -> None:
    _write(root / "hugo.toml", HUGO_CONFIG + hugo_menu())
    for name, text in HUGO_LAYOUTS.items():
        _write(root / "layouts" / name, text)
    _write(root / "static" / "css" / "site.css", HUGO_CSS)
    _write(root / "content" / "_index.md", f"---\ntitle: {yq(SITE_TITLE)}\n---\n{DESCRIPTION}\n")
    for path, (title, weight, intro) in PARENT_SECTIONS.items():
        _write(root / "content" / path / "_index.md", f"---\ntitle: {yq(title)}\nweight: {weight}\n---\n{intro}\n")
    for s in SECTIONS:
        _write(root / "content" / s.path / "_index.md", f"---\ntitle: {yq(s.title)}\nweight: {s.weight}\n---\n{s.intro}\n")
    for p in pages:
        fm = [f"title: {yq(p.title)}", f"date: {p.date:%Y-%m-%dT%H:%M:00+07:00}", f"slug: {p.slug}", f"summary: {yq(p.summary)}",
              f"tags: [{', '.join(p.tags)}]"]
        extra = {**(p.document or {}), **(p.procedure or {})}
        if extra:
            fm += ["params:"] + _yaml_fields(extra, "  ")
        rel = f"content/{p.section.path}/{p.slug}.md"
        p.paths["hugo"] = rel
        _write(root / rel, "---\n" + "\n".join(fm) + "\n---\n" + p.body)


PELICAN_CONF = f'''# Benchmark corpus generated by bench/corpus.py: Pelican defaults plus what the
# benchmark asks for (pagination 10, feeds per category and tag, absolute URLs).
SITENAME = "{SITE_TITLE}"
SITEURL = "{BASE_URL}"
RELATIVE_URLS = False
PATH = "content"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE_FORMAT = "%d/%m/%Y"
THEME = "notmyidea"  # bundled with Pelican
DEFAULT_PAGINATION = 10

# Feeds: all articles, each category (Atom + RSS), each tag (RSS); 20 items, like the others.
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{{slug}}.rss.xml"
TAG_FEED_ATOM = None
TAG_FEED_RSS = "feeds/tag-{{slug}}.rss.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 20

# Pelican's default Markdown set-up plus heading ids (xaweb and Hugo make them too).
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.codehilite": {{"css_class": "highlight"}},
        "markdown.extensions.extra": {{}},
        "markdown.extensions.meta": {{}},
        "markdown.extensions.toc": {{}},
    }},
    "output_format": "html5",
}}

LINKS = (
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn"),
    ("Cổng thông tin điện tử tỉnh Đồng Tháp", "https://dongthap.gov.vn"),
)
SOCIAL = ()
'''


def _pelican_details(p: PageData) -> str:
    """notmyidea shows no custom metadata, so document and procedure details go into the text."""
    if p.document:
        doc = p.document
        rows = [("Số, ký hiệu", doc["number"]), ("Hình thức", doc["doc_type"]), ("Cơ quan ban hành", doc["issuer"]),
                ("Người ký", doc.get("signer")), ("Ngày ban hành", vn_date(datetime.fromisoformat(doc["issued"])))]
        if doc.get("effective"):
            rows.append(("Ngày hiệu lực", vn_date(datetime.fromisoformat(doc["effective"]))))
    elif p.procedure:
        pr = p.procedure
        labels = [("field", "Lĩnh vực"), ("code", "Mã thủ tục"), ("processing_time", "Thời hạn giải quyết"), ("fee", "Phí, lệ phí"),
                  ("method", "Cách thức thực hiện"), ("submit_at", "Nơi tiếp nhận"), ("eligible", "Đối tượng thực hiện"),
                  ("agency", "Cơ quan giải quyết"), ("result", "Kết quả"), ("conditions", "Điều kiện")]
        rows = [(label, pr[key]) for key, label in labels if pr.get(key)]
    else:
        return ""
    out = ["| Thông tin | Nội dung |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows if v]
    if p.procedure:
        out += ["", "## Thành phần hồ sơ", ""] + [f"- {x}" for x in p.procedure["papers"]]
        out += ["", "## Trình tự thực hiện", ""] + [f"{i}. {x}" for i, x in enumerate(p.procedure["steps"], 1)]
        out += ["", "[Nộp hồ sơ trực tuyến](https://dichvucong.gov.vn)"]
    return "\n".join(out) + "\n\n"


def write_pelican(root: Path, pages: list[PageData]) -> None:
    _write(root / "pelicanconf.py", PELICAN_CONF)
    for p in pages:
        category = p.section.title if p.section.path != "cong-khai/ngan-sach" else "Công khai ngân sách"
        meta = [f"Title: {p.title}", f"Date: {p.date:%Y-%m-%d %H:%M}", f"Category: {category}",
                f"Tags: {', '.join(p.tags)}", f"Slug: {p.slug}", f"Summary: {p.summary}"]
        rel = f"content/{p.section.path}/{p.slug}.md"
        p.paths["pelican"] = rel
        _write(root / rel, "\n".join(meta) + "\n\n" + _pelican_details(p) + p.body)


def generate(n: int, outdir: Path) -> dict:
    pages = make_pages(n)
    outdir.mkdir(parents=True, exist_ok=True)
    write_xaweb(outdir / "xaweb", pages)
    write_hugo(outdir / "hugo", pages)
    write_pelican(outdir / "pelican", pages)
    news = [p for p in pages if p.section.path == "tin-tuc"]
    edit = news[len(news) // 2] if news else pages[len(pages) // 2]
    sizes = [len((outdir / "xaweb" / p.paths["xaweb"]).read_bytes()) for p in pages]
    manifest = {
        "pages": n,
        "seed": n,
        "sections": {s.path: sum(p.section is s for p in pages) for s in SECTIONS},
        "tags": len({t for p in pages for t in p.tags}),
        "mean_page_bytes": round(sum(sizes) / len(sizes)) if sizes else 0,
        "with_table": sum("|---" in p.body for p in pages),
        "edit_page": edit.paths,
        "edit_sentence": EDIT_SENTENCE,
        "files": [{"section": p.section.path, "slug": p.slug, **p.paths} for p in pages],
    }
    (outdir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str]) -> int:
    if len(argv) != 3 or not argv[1].isdigit() or int(argv[1]) < 1:
        print("usage: python bench/corpus.py N OUTDIR", file=sys.stderr)
        return 2
    m = generate(int(argv[1]), Path(argv[2]))
    print(f"{m['pages']} pages, {m['tags']} tags, {m['mean_page_bytes']} bytes of Markdown per page on average, "
          f"{m['with_table']} with a table; sections: " + ", ".join(f"{k} {v}" for k, v in m["sections"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
