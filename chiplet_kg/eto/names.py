"""Chinese names for ETO entities: our translation table keyed by ETO id, and ISO country names."""

from __future__ import annotations

from .read import _iso_country

__all__ = ["ZH_NAMES", "zh_name", "zh_country_name"]

#: ETO id → (the English name the dataset gives it, our Chinese name). The translations are ours, in the terms
#: Chinese industry and policy texts use (光刻机, 刻蚀设备, 化学机械抛光 …); firms get their own official Chinese
#: names. The English name is kept so that a name is applied only to the entity it was written for: a copy in
#: which an id names something else (another release, or a made-up test fixture) falls back to the English name.
ZH_NAMES: dict[str, tuple[str, str]] = {
    # ---- stages
    "S1": ("Design", "设计"),
    "S2": ("Fabrication", "制造"),
    "S3": ("Assembly, testing, and packaging (ATP)", "封装测试（ATP）"),
    # ---- design
    "N0": ("Chip design", "芯片设计"),
    "N6": ("Logic chip design", "逻辑芯片设计"),
    "N1": ("Advanced CPUs", "先进中央处理器（CPU）"),
    "N2": ("Discrete GPUs", "独立图形处理器（GPU）"),
    "N3": ("FPGAs", "现场可编程门阵列（FPGA）"),
    "N4": ("AI ASICs", "人工智能专用芯片（AI ASIC）"),
    "N5": ("Memory chip design", "存储芯片设计"),
    "N13": ("DAO chip design", "分立器件、模拟及其他芯片（DAO）设计"),
    "N7": ("EDA and Core IP", "EDA 与核心 IP"),
    "N84": ("Electronic design automation software", "电子设计自动化（EDA）软件"),
    "N85": ("Core intellectual property", "IP 核（核心知识产权）"),
    # ---- wafers
    "N8": ("Crystal growing furnaces", "单晶生长炉"),
    "N9": ("Crystal machining tools", "晶体加工设备"),
    "N10": ("Wafer bonding and aligning tools", "晶圆键合与对准设备"),
    "N26": ("Wafer", "晶圆"),
    # ---- handling
    "N11": ("Wafer handlers", "晶圆搬运设备"),
    "N12": ("Photomask handlers", "光掩模搬运设备"),
    "N59": ("Wafer and photomask handlers", "晶圆与光掩模搬运设备"),
    # ---- ion implantation
    "N16": ("Ion implantation", "离子注入"),
    "N17": ("Ion implanters", "离子注入机"),
    # ---- lithography
    "N25": ("Photolithography", "光刻"),
    "N19": ("Lithography tools", "光刻机"),
    "N107": ("Imprint lithography", "压印光刻设备"),
    "N20": ("EUV lithography tools", "极紫外（EUV）光刻机"),
    "N21": ("ArF dry (DUV) lithography tools", "ArF 干式（DUV）光刻机"),
    "N22": ("ArF immersion (DUV) lithography tools", "ArF 浸没式（DUV）光刻机"),
    "N105": ("KrF (DUV) lithography tools", "KrF（DUV）光刻机"),
    "N106": ("i-line lithography tools", "i 线光刻机"),
    "N28": ("Maskless lithography tools", "无掩模光刻设备"),
    "N29": ("Mask exposure systems - e-beam", "掩模曝光系统（电子束）"),
    "N30": ("Mask exposure systems - laser beam", "掩模曝光系统（激光束）"),
    "N108": ("Direct write systems", "直写光刻系统"),
    "N123": ("Mask aligners", "掩模对准式光刻机"),
    "N31": ("Photoresists", "光刻胶"),
    "N32": ("Resist processing tools", "涂胶显影设备"),
    "N33": ("Photomasks", "光掩模"),
    # ---- deposition
    "N35": ("Deposition", "薄膜沉积"),
    "N36": ("Deposition tools", "薄膜沉积设备"),
    "N138": ("Other deposition tools (non-IC)", "其他沉积设备（非集成电路）"),
    "N47": ("Chemical vapor deposition tools", "化学气相沉积（CVD）设备"),
    "N38": ("Plasma CVD tools", "等离子体化学气相沉积（PECVD）设备"),
    "N39": ("Low-pressure CVD tools", "低压化学气相沉积（LPCVD）设备"),
    "N40": ("High-temperature CVD tools", "高温化学气相沉积设备"),
    "N41": ("Atomic layer deposition tools", "原子层沉积（ALD）设备"),
    "N42": ("Physical vapor deposition tools", "物理气相沉积（PVD）设备"),
    "N43": ("Rapid thermal processing tools", "快速热处理（RTP）设备"),
    "N44": ("Tube-based diffusion and deposition tools", "管式扩散与沉积设备（炉管）"),
    "N45": ("Electrochemical plating tools", "电化学电镀（ECP）设备"),
    "N104": ("Plasma modification tools", "等离子体改性设备"),
    "N88": ("Deposition materials", "沉积材料"),
    # ---- etch and clean
    "N46": ("Etch and clean", "刻蚀与清洗"),
    "N55": ("Etch and clean tools", "刻蚀与清洗设备"),
    "N48": ("Dry etching and cleaning tools", "干法刻蚀与清洗设备"),
    "N49": ("Wet etching and cleaning tools", "湿法刻蚀与清洗设备"),
    "N103": ("Dry etch tools", "干法刻蚀设备"),
    "N50": ("Conductor etching tools", "导体刻蚀设备"),
    "N51": ("Insulator etching tools", "介质刻蚀设备"),
    "N54": ("Misc. dry etch tools", "其他干法刻蚀设备"),
    "N52": ("Ion milling tools", "离子束刻蚀（离子铣）设备"),
    "N53": ("Dry stripping tools", "干法去胶设备"),
    "N102": ("Dry clean tools", "干法清洗设备"),
    # ---- chemical mechanical planarization
    "N57": ("Chemical mechanical planarization", "化学机械抛光（CMP）"),
    "N86": ("CMP tools", "化学机械抛光（CMP）设备"),
    "N90": ("CMP materials", "化学机械抛光（CMP）材料"),
    # ---- process control
    "N60": ("Process control tools", "工艺控制（量测与检测）设备"),
    "N61": ("Wafer inspection tools", "晶圆检测设备"),
    "N62": ("Photomask inspection and repair tools", "光掩模检测与修复设备"),
    "N63": ("Inspection tools (adv. pkg.)", "检测设备（先进封装）"),
    "N64": ("Process monitoring tools", "工艺监测设备"),
    "N65": ("Film, stack, and shape metrology tools", "薄膜、叠层与形貌量测设备"),
    "N66": ("Critical dimensions metrology tools", "关键尺寸（CD）量测设备"),
    "N67": ("Defect inspection tools", "缺陷检测设备"),
    "N114": ("Overlay metrology tools", "套刻量测设备"),
    "N115": ("E-beam metrology tools", "电子束量测设备"),
    "N116": ("Defect review stations", "缺陷复检设备"),
    # ---- fabrication materials
    "N91": ("Electronic gases", "电子气体"),
    "N92": ("Wet chemicals", "湿电子化学品"),
    "N117": ("Fabrication materials", "制造材料"),
    "N126": ("Process-specific fabrication materials", "工艺专用制造材料"),
    "N118": ("Process control and handling", "工艺控制与搬运"),
    # ---- assembly, packaging and test
    "N69": ("Assembly and packaging", "组装与封装"),
    "N119": ("Assembly tools", "组装设备"),
    "N70": ("Assembly inspection tools", "封装检测设备"),
    "N71": ("Dicing tools", "划片设备"),
    "N72": ("Bonding tools", "键合设备"),
    "N73": ("Die attaching tools", "固晶设备"),
    "N131": ("Die attaching tools for IC", "集成电路固晶设备"),
    "N132": ("Die attaching tools for non-IC", "非集成电路固晶设备"),
    "N74": ("Wire bonding tools", "引线键合设备"),
    "N133": ("Manual wire bonders", "手动引线键合机"),
    "N134": ("Auto ball bonders for IC", "集成电路全自动球焊机"),
    "N135": ("Auto ball bonders for non-IC", "非集成电路全自动球焊机"),
    "N136": ("Automatic wedge bonders", "全自动楔形键合机"),
    "N137": ("Wafer level stud bonders", "晶圆级钉头凸点键合机"),
    "N75": ("Other interconnect tools", "其他互连设备"),
    "N76": ("Packaging tools", "封装设备"),
    "N77": ("Integrated assembly tools", "一体化组装设备"),
    "N78": ("Testing", "测试"),
    "N120": ("Test tools", "测试设备"),
    "N79": ("Memory test tools", "存储器测试机"),
    "N80": ("SoC test tools", "SoC 测试机"),
    "N81": ("Burn-in test tools", "老化测试设备"),
    "N82": ("Linear and discrete testing tools", "线性（模拟）与分立器件测试机"),
    "N83": ("Handlers and probers", "分选机与探针台"),
    "N121": ("ATP materials", "封装测试材料"),
    "N100": ("Packaging materials", "封装材料"),
    "N93": ("Lead frames", "引线框架"),
    "N94": ("Bond wires", "键合丝"),
    "N95": ("Ceramic packages", "陶瓷封装外壳"),
    "N96": ("Substrates", "封装基板"),
    "N97": ("Encapsulation resins", "塑封料（封装树脂）"),
    "N98": ("Die attach materials", "固晶材料"),
    "N99": ("Finished logic chip", "成品逻辑芯片"),
    # ---- tools for advanced packaging
    "N109": ("Fabrication tools (for advanced packaging)", "制造设备（先进封装用）"),
    "N127": ("Lithography tools (adv. pkg.)", "光刻设备（先进封装）"),
    "N130": ("Direct write systems (adv. pkg.)", "直写光刻系统（先进封装）"),
    "N122": ("Resist processing tools (adv. pkg.)", "涂胶显影设备（先进封装）"),
    "N128": ("Deposition tools (adv. pkg.)", "沉积设备（先进封装）"),
    "N110": ("CVD tools (adv. pkg.)", "化学气相沉积（CVD）设备（先进封装）"),
    "N111": ("PVD tools (adv. pkg.)", "物理气相沉积（PVD）设备（先进封装）"),
    "N112": ("Spin-on deposition tools (adv. pkg.)", "旋涂沉积设备（先进封装）"),
    "N113": ("ECP tools (adv. pkg.)", "电镀（ECP）设备（先进封装）"),
    "N129": ("Etch and clean tools (adv. pkg.)", "刻蚀与清洗设备（先进封装）"),
    "N101": ("Dry etching tools (adv. pkg.)", "干法刻蚀设备（先进封装）"),
    "N124": ("CMP tools (adv. pkg.)", "化学机械抛光（CMP）设备（先进封装）"),
    "N125": ("Single wafer spin & spray systems (adv. pkg.)", "单片旋转喷淋系统（先进封装）"),
    # ---- providers that are no single firm or country
    "P5": ("Various countries", "多个国家（未列名）"),
    "P370": ("Various companies", "多家企业（未列名）"),
    "P312": ("EUR", "欧洲"),
    # ---- equipment makers (the providers with the largest shares and the most rows)
    "P81": ("Applied Materials", "应用材料"),
    "P111": ("Lam Research", "泛林集团"),
    "P105": ("Tokyo Electron", "东京电子"),
    "P88": ("ASML", "阿斯麦"),
    "P118": ("KLA", "科磊"),
    "P145": ("ASM Pacific", "ASM 太平洋"),
    "P164": ("Kulicke & Soffa", "库力索法"),
    "P115": ("NAURA", "北方华创"),
    "P175": ("Advantest", "爱德万测试"),
    "P62": ("Disco", "迪思科"),
    "P74": ("Muratec", "村田机械"),
    "P106": ("Screen", "斯库林"),
    "P112": ("ASM International", "ASM 国际"),
    "P71": ("Daifuku", "大福"),
    "P159": ("Canon", "佳能"),
    "P97": ("Hitachi", "日立"),
    "P347": ("Shibaura Mechatronics", "芝浦机电"),
    "P116": ("Kokusai", "国际电气"),
    "P92": ("JEOL", "日本电子"),
    "P73": ("SEMES", "细美事"),
    "P176": ("Teradyne", "泰瑞达"),
    "P142": ("Keysight Tech", "是德科技"),
    "P170": ("HANMI", "韩美半导体"),
    "P123": ("AMEC", "中微公司"),
    "P128": ("EBARA", "荏原"),
    "P414": ("Yamaha Robotics", "雅马哈机器人"),
    "P60": ("Accretech", "东京精密"),
    "P121": ("Veeco", "维易科"),
    "P182": ("AccoTEST", "华峰测控"),
    "P91": ("NuFlare", "纽富来"),
    "P325": ("Hangzhou Changchuan Technology", "长川科技"),
    "P143": ("Keithley Instruments", "吉时利"),
    "P119": ("Mattson Tech", "玛特森科技"),
    "P129": ("Hwatsing", "华海清科"),
    "P405": ("Aixtron", "爱思强"),
    "P160": ("Hoson", "和研科技"),
    "P313": ("ACM Research", "盛美半导体"),
    "P141": ("CAMTEK", "康代"),
    "P84": ("Axcelis", "亚舍立"),
    "P180": ("National Instruments", "美国国家仪器"),
    "P113": ("Piotech", "拓荆科技"),
    "P89": ("Nikon", "尼康"),
    "P117": ("ULVAC", "爱发科"),
    "P317": ("Chroma ATE", "致茂电子"),
    "P85": ("CETC", "中国电子科技集团"),
    "P299": ("Shinko", "新光电气"),
    "P107": ("Kingsemi", "芯源微"),
    "P122": ("Grand Process", "弘塑科技"),
    "P263": ("Wonik", "圆益"),
    "P148": ("Cohu", "科休"),
    "P413": ("Hirata", "平田机工"),
    "P332": ("Jusung Engineering", "周星工程"),
    "P70": ("SMEE", "上海微电子装备"),
    # ---- chip makers, designers, EDA and IP vendors
    "P34": ("TSMC", "台积电"),
    "P35": ("Samsung", "三星"),
    "P55": ("SK Hynix", "SK 海力士"),
    "P56": ("Micron", "美光"),
    "P44": ("Kioxia", "铠侠"),
    "P37": ("SMIC", "中芯国际"),
    "P9": ("Intel", "英特尔"),
    "P10": ("AMD", "超威半导体（AMD）"),
    "P11": ("Nvidia", "英伟达"),
    "P22": ("Google", "谷歌"),
    "P17": ("HiSilicon", "海思"),
    "P13": ("Loongson", "龙芯中科"),
    "P14": ("Zhaoxin", "兆芯"),
    "P26": ("Cambricon", "寒武纪"),
    "P185": ("Synopsys", "新思科技"),
    "P186": ("Cadence", "楷登电子"),
    "P187": ("Mentor Graphics", "明导"),
    "P198": ("ARM", "安谋"),
    # ---- packaging and test houses
    "P48": ("ASE", "日月光"),
    "P49": ("Amkor", "安靠"),
    "P50": ("JCET", "长电科技"),
    # ---- materials
    "P208": ("Shin-Etsu", "信越化学"),
    "P225": ("SUMCO", "胜高"),
    "P226": ("GlobalWafers", "环球晶圆"),
    "P227": ("Siltronic", "世创"),
    "P207": ("Tokyo Ohka Kogyo", "东京应化"),
    "P209": ("Fujifilm Electronic Materials", "富士胶片电子材料"),
    "P239": ("Photronics", "福尼克斯"),
    "P240": ("Toppan Photomasks", "凸版光掩模"),
    "P241": ("Hoya Corporation", "豪雅"),
    "P257": ("Air Liquide", "液化空气"),
    "P250": ("Linde", "林德"),
    "P255": ("Entegris", "英特格"),
    "P262": ("Showa Denko", "昭和电工"),
    "P260": ("BASF", "巴斯夫"),
    "P289": ("Sumitomo", "住友"),
    "P291": ("Henkel", "汉高"),
}


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def zh_name(eto_id: str, english: str) -> str | None:
    """Our Chinese name for the ETO entity ``eto_id``, if the table has one written for the English name it bears.

    Examples
    --------
    >>> zh_name("N20", "EUV lithography tools"), zh_name("N20", "Extreme light printers"), zh_name("N9999", "x")
    ('极紫外（EUV）光刻机', None, None)
    """
    known = ZH_NAMES.get(eto_id)
    if known is None or _norm(known[0]) != _norm(english):
        return None
    return known[1]


def zh_country_name(code: str) -> str | None:
    """The Chinese name of an ISO 3166-1 country, from the iso-codes translations shipped with pycountry."""
    import gettext

    import pycountry

    country = _iso_country(code)
    if country is None:
        return None
    try:
        zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    except OSError:
        return None
    name = zh.gettext(country.name)
    return name if name != country.name else None
