"""Hand-written event reports for the story-clustering benchmark.

Every report below was written for Tidings (no third-party text): a title and a lead
paragraph in the style of a wire or newspaper report, in English or Chinese. Events
come in *pairs on one topic* (two earthquakes, two central-bank decisions, two
football finals...) so that "same topic, different event" is tested as much as
"same event, different outlet"; one topic recurs a month later with nearly the same
wording ("the Fed holds rates" in March and again in May) to test the time window.
The events are modelled on the kind of news wires carry; names of real institutions
appear but the figures are illustrative.

Each report: (event key, language, hours after the base time, title, lead).
"""

from __future__ import annotations

BASE_TIME = "2025-03-10T08:00:00+00:00"

Report = tuple[str, str, float, str, str]

REPORTS: tuple[Report, ...] = (
    # --- earthquakes ----------------------------------------------------------------
    (
        "quake-taiwan",
        "en",
        0.5,
        "Magnitude 7.2 earthquake strikes off Taiwan's east coast",
        "A powerful earthquake of magnitude 7.2 struck off Hualien on Taiwan's east coast "
        "early on Monday, shaking buildings in Taipei and briefly halting trains and chip "
        "factories across the island.",
    ),
    (
        "quake-taiwan",
        "en",
        2.0,
        "Taiwan quake: buildings tilt in Hualien, rescuers search for trapped residents",
        "Rescue teams in Hualien worked through the morning to reach residents trapped in "
        "two tilting apartment blocks after Monday's 7.2-magnitude quake, the strongest to "
        "hit Taiwan in a quarter of a century.",
    ),
    (
        "quake-taiwan",
        "zh",
        1.0,
        "台湾花莲外海发生7.2级地震 台北震感强烈",
        "周一清晨，台湾东部花莲县外海发生7.2级强烈地震，台北等地震感明显，岛内部分铁路和"
        "芯片工厂一度暂停运行。",
    ),
    (
        "quake-taiwan",
        "zh",
        5.0,
        "花莲地震：多栋建筑倾斜 救援人员搜救受困民众",
        "花莲地震发生后，救援人员连夜展开搜救，两栋倾斜的居民楼内仍有民众受困。这是台湾"
        "二十五年来最强烈的一次地震。",
    ),
    (
        "quake-peru",
        "en",
        30.0,
        "Strong earthquake shakes southern Peru, damaging churches in Arequipa",
        "An earthquake of magnitude 6.8 shook southern Peru on Tuesday, cracking colonial "
        "churches in Arequipa and cutting power to thousands of homes, civil defence "
        "officials said.",
    ),
    (
        "quake-peru",
        "en",
        33.0,
        "Peru counts damage after 6.8 tremor; no deaths reported",
        "Peruvian authorities said no one was killed in Tuesday's magnitude 6.8 earthquake "
        "near Arequipa, though landslides blocked two mountain roads and several old adobe "
        "houses collapsed.",
    ),
    (
        "quake-peru",
        "zh",
        31.0,
        "秘鲁南部发生6.8级地震 阿雷基帕多座教堂受损",
        "秘鲁南部周二发生6.8级地震，阿雷基帕市多座殖民时期教堂出现裂缝，数千户居民停电，"
        "目前暂无人员死亡报告。",
    ),
    # --- central banks: one decision now, one a month later ---------------------------
    (
        "fed-march",
        "en",
        50.0,
        "Federal Reserve holds interest rates steady, signals two cuts this year",
        "The US Federal Reserve left its benchmark rate unchanged at 4.25% to 4.5% on "
        "Wednesday and said it still expects to cut rates twice this year as inflation "
        "cools.",
    ),
    (
        "fed-march",
        "en",
        51.0,
        "Powell says Fed in no hurry to cut as tariffs cloud outlook",
        "Fed chair Jerome Powell told reporters the central bank could wait for more clarity "
        "on tariffs before lowering borrowing costs, after policymakers kept rates on hold "
        "at 4.25% to 4.5%.",
    ),
    (
        "fed-march",
        "zh",
        52.0,
        "美联储维持利率不变 预计年内降息两次",
        "美国联邦储备委员会周三宣布将联邦基金利率维持在4.25%至4.5%区间不变，并表示随着通胀"
        "降温，今年仍预计降息两次。",
    ),
    (
        "fed-may",
        "en",
        50.0 + 24 * 42,
        "Fed keeps rates on hold again, warns of higher inflation risks",
        "The Federal Reserve held its benchmark rate at 4.25% to 4.5% for a third straight "
        "meeting on Wednesday, saying the risks of higher unemployment and higher inflation "
        "have both risen.",
    ),
    (
        "fed-may",
        "en",
        51.0 + 24 * 42,
        "Powell: Fed can afford to wait on rate cuts",
        "Jerome Powell said the Fed was well positioned to wait and see how tariffs affect "
        "prices and jobs, after the central bank again kept interest rates unchanged.",
    ),
    (
        "fed-may",
        "zh",
        52.0 + 24 * 42,
        "美联储连续第三次按兵不动 警告通胀风险上升",
        "美联储周三再次将利率维持在4.25%至4.5%不变，这是连续第三次会议按兵不动，并称失业率"
        "和通胀上升的风险均有所增加。",
    ),
    (
        "ecb-cut",
        "en",
        26.0,
        "ECB cuts rates by a quarter point, its sixth cut in a year",
        "The European Central Bank lowered its deposit rate by 25 basis points to 2.5% on "
        "Thursday, its sixth reduction since last June, and said policy was becoming "
        "meaningfully less restrictive.",
    ),
    (
        "ecb-cut",
        "en",
        27.5,
        "Lagarde keeps door open to more cuts as euro zone growth stalls",
        "ECB President Christine Lagarde said the bank was not pre-committing to a path "
        "after cutting its deposit rate to 2.5%, as the euro zone economy barely grew in "
        "the last quarter.",
    ),
    (
        "ecb-cut",
        "zh",
        28.0,
        "欧洲央行降息25个基点 一年内第六次降息",
        "欧洲中央银行周四宣布将存款便利利率下调25个基点至2.5%，这是自去年6月以来的第六次"
        "降息。行长拉加德表示，不会预先承诺未来的利率路径。",
    ),
    # --- football finals ---------------------------------------------------------------
    (
        "cl-final",
        "en",
        80.0,
        "Paris Saint-Germain thrash Inter Milan 5-0 to win first Champions League",
        "Paris Saint-Germain won the Champions League for the first time with a 5-0 rout of "
        "Inter Milan in Munich, the biggest winning margin ever in a European Cup final.",
    ),
    (
        "cl-final",
        "en",
        81.0,
        "Doue double as PSG crush Inter in Munich final",
        "Teenager Desire Doue scored twice and set up another as PSG swept aside Inter 5-0 "
        "at the Allianz Arena to lift the European Cup for the first time in the club's "
        "history.",
    ),
    (
        "cl-final",
        "zh",
        81.5,
        "欧冠决赛：巴黎圣日耳曼5比0大胜国际米兰 首夺欧冠冠军",
        "在慕尼黑安联球场进行的欧洲冠军联赛决赛中，巴黎圣日耳曼以5比0大胜国际米兰，队史首次"
        "捧起欧冠奖杯，创下欧冠决赛最大分差纪录。",
    ),
    (
        "fa-cup-final",
        "en",
        84.0,
        "Crystal Palace beat Manchester City 1-0 to win FA Cup, first major trophy",
        "Eberechi Eze's first-half goal gave Crystal Palace a 1-0 win over Manchester City "
        "in the FA Cup final at Wembley, the first major trophy in the club's 120-year "
        "history.",
    ),
    (
        "fa-cup-final",
        "en",
        86.0,
        "Henderson penalty save seals Palace's historic Wembley win",
        "Goalkeeper Dean Henderson saved an Omar Marmoush penalty as Crystal Palace held on "
        "to beat Manchester City in the FA Cup final and claim their first major honour.",
    ),
    # --- elections -----------------------------------------------------------------
    (
        "election-korea",
        "en",
        100.0,
        "Lee Jae-myung wins South Korea's snap presidential election",
        "Liberal candidate Lee Jae-myung won South Korea's snap presidential election on "
        "Tuesday, exit polls and early counts showed, months after his predecessor was "
        "removed from office over a short-lived martial law decree.",
    ),
    (
        "election-korea",
        "en",
        104.0,
        "South Korea's new president Lee sworn in, vows to heal divisions",
        "Lee Jae-myung took the oath of office as South Korea's president a day after "
        "winning the snap election, pledging to unite a country divided by the martial law "
        "crisis.",
    ),
    (
        "election-korea",
        "zh",
        101.0,
        "李在明赢得韩国总统大选",
        "韩国提前举行的总统选举周二投票结束，根据出口民调和初步计票结果，共同民主党候选人"
        "李在明胜选。前任总统因短暂的紧急戒严令被罢免。",
    ),
    (
        "election-poland",
        "en",
        98.0,
        "Nawrocki narrowly wins Poland's presidential runoff",
        "Conservative historian Karol Nawrocki won Poland's presidential runoff with 50.9% of "
        "the vote, defeating Warsaw mayor Rafal Trzaskowski in a setback for the pro-EU "
        "government.",
    ),
    (
        "election-poland",
        "en",
        99.5,
        "Poland's election result complicates Tusk government's agenda",
        "Karol Nawrocki's narrow victory over Rafal Trzaskowski gives Poland a president "
        "likely to veto the reforms of Prime Minister Donald Tusk's coalition, analysts "
        "said.",
    ),
    (
        "election-poland",
        "zh",
        99.0,
        "波兰总统选举第二轮投票 纳夫罗茨基以微弱优势胜出",
        "波兰总统选举第二轮投票结果揭晓，保守派历史学家纳夫罗茨基以50.9%的得票率险胜华沙"
        "市长恰斯科夫斯基。",
    ),
    # --- space ----------------------------------------------------------------------
    (
        "starship-test",
        "en",
        120.0,
        "SpaceX Starship explodes minutes after launch in latest test flight",
        "SpaceX's Starship upper stage broke apart minutes after lifting off from Texas on "
        "Thursday, scattering debris over the Caribbean and forcing flights to be diverted, "
        "in the rocket's second failure in a row.",
    ),
    (
        "starship-test",
        "en",
        122.0,
        "FAA grounds Starship after second straight mid-flight breakup",
        "The US Federal Aviation Administration ordered SpaceX to investigate after its "
        "Starship vehicle disintegrated during Thursday's test flight, temporarily halting "
        "air traffic at several Florida airports.",
    ),
    (
        "starship-test",
        "zh",
        121.0,
        "SpaceX星舰试飞再次失败 飞船升空数分钟后解体",
        "SpaceX的星舰飞船周四从得克萨斯州发射升空数分钟后解体，碎片散落在加勒比海上空，多个"
        "机场航班被迫改道。这是星舰连续第二次试飞失败。",
    ),
    (
        "moon-lander",
        "en",
        118.0,
        "Firefly's Blue Ghost lander touches down on the Moon",
        "Firefly Aerospace's Blue Ghost spacecraft landed upright on the Moon's Mare Crisium "
        "on Sunday, making the Texas company the first private firm to achieve a fully "
        "successful lunar landing.",
    ),
    (
        "moon-lander",
        "en",
        121.5,
        "Private Blue Ghost mission sends first photos from lunar surface",
        "The Blue Ghost lander beamed back its first images from the Moon hours after a "
        "smooth touchdown, as NASA's ten science instruments on board began their two-week "
        "mission.",
    ),
    (
        "moon-lander",
        "zh",
        119.0,
        "美国私营公司萤火虫航天\u201c蓝色幽灵\u201d着陆器成功登月",
        "美国萤火虫航天公司的\u201c蓝色幽灵\u201d月球着陆器周日在月球危海地区平稳着陆，成为"
        "首家完全成功实现月面着陆的私营企业。",
    ),
    # --- technology -------------------------------------------------------------------
    (
        "deepseek-model",
        "en",
        140.0,
        "Chinese start-up DeepSeek releases low-cost AI model that rivals OpenAI",
        "Hangzhou-based DeepSeek released its R1 reasoning model, which it says matches "
        "OpenAI's o1 on maths and coding tests at a fraction of the training cost, sending "
        "chip stocks lower.",
    ),
    (
        "deepseek-model",
        "en",
        143.0,
        "Nvidia shares slide as DeepSeek's cheap AI model rattles investors",
        "Nvidia lost nearly $600 billion in market value on Monday as investors questioned "
        "the need for costly chips after DeepSeek showed a competitive AI model trained on "
        "limited hardware.",
    ),
    (
        "deepseek-model",
        "zh",
        141.0,
        "深度求索发布R1推理模型 性能比肩OpenAI成本大幅降低",
        "杭州人工智能初创公司深度求索发布R1推理模型，称其在数学和编程测试中的表现与OpenAI的"
        "o1模型相当，而训练成本仅为其一小部分。",
    ),
    (
        "deepseek-model",
        "zh",
        144.0,
        "英伟达股价暴跌 市值蒸发近6000亿美元",
        "受深度求索低成本AI模型冲击，英伟达股价周一大幅下跌，市值蒸发近6000亿美元，投资者"
        "担忧市场对高端芯片的需求。",
    ),
    (
        "apple-launch",
        "en",
        146.0,
        "Apple unveils cheaper iPhone 16e with its own modem chip",
        "Apple introduced the iPhone 16e, a $599 model that replaces the iPhone SE and is the "
        "first to use a cellular modem designed in-house rather than bought from Qualcomm.",
    ),
    (
        "apple-launch",
        "en",
        148.0,
        "iPhone 16e marks Apple's first step away from Qualcomm modems",
        "The new iPhone 16e carries Apple's C1 modem, a milestone in the company's "
        "years-long effort to stop relying on Qualcomm for the chips that connect phones to "
        "mobile networks.",
    ),
    (
        "apple-launch",
        "zh",
        147.0,
        "苹果发布iPhone 16e 首次搭载自研调制解调器",
        "苹果公司发布售价599美元的iPhone 16e，取代iPhone SE系列。这是苹果首款采用自研C1"
        "调制解调器芯片的手机，不再使用高通的产品。",
    ),
    # --- disasters ------------------------------------------------------------------
    (
        "la-wildfire",
        "en",
        160.0,
        "Wildfire forces thousands to flee Pacific Palisades in Los Angeles",
        "A fast-moving wildfire driven by hurricane-force Santa Ana winds tore through "
        "Pacific Palisades on Tuesday, forcing 30,000 residents to evacuate and destroying "
        "hundreds of homes.",
    ),
    (
        "la-wildfire",
        "en",
        166.0,
        "Los Angeles fires: death toll rises as blazes burn out of control",
        "Firefighters struggled to contain several wildfires around Los Angeles as the "
        "death toll rose and more than 1,000 structures were destroyed in Pacific "
        "Palisades and Altadena.",
    ),
    (
        "la-wildfire",
        "zh",
        163.0,
        "洛杉矶山火蔓延 数万居民紧急撤离",
        "受强劲圣安娜风影响，美国洛杉矶太平洋帕利塞兹地区周二突发山火，火势迅速蔓延，约3万"
        "名居民紧急撤离，数百栋房屋被烧毁。",
    ),
    (
        "myanmar-flood",
        "en",
        158.0,
        "Floods in Myanmar kill dozens after typhoon remnants drench north",
        "Flash floods and landslides triggered by the remnants of a typhoon killed at least "
        "74 people in northern Myanmar, with dozens more missing near the capital "
        "Naypyitaw.",
    ),
    (
        "myanmar-flood",
        "en",
        161.0,
        "Myanmar junta appeals for foreign aid as flood toll climbs",
        "Myanmar's military government made a rare appeal for international help as the "
        "death toll from flooding rose and more than 235,000 people were displaced.",
    ),
    (
        "myanmar-flood",
        "zh",
        159.0,
        "缅甸北部遭遇洪灾 至少74人死亡",
        "受台风残余环流影响，缅甸北部多地暴发山洪和山体滑坡，已造成至少74人死亡，首都内比都"
        "附近仍有数十人失踪。",
    ),
    # --- trade ------------------------------------------------------------------------
    (
        "tariffs-canada",
        "en",
        180.0,
        "US imposes 25% tariffs on Canada and Mexico; Ottawa retaliates",
        "Tariffs of 25% on most goods from Canada and Mexico took effect on Tuesday, and "
        "Canada answered with levies on C$30 billion of American products, from orange "
        "juice to motorcycles.",
    ),
    (
        "tariffs-canada",
        "en",
        182.0,
        "Trudeau calls US tariffs 'very dumb' as trade war erupts",
        "Canadian Prime Minister Justin Trudeau said Canada would not back down after the "
        "United States put 25% tariffs on its exports, announcing counter-tariffs on "
        "American goods.",
    ),
    (
        "tariffs-canada",
        "zh",
        181.0,
        "美国对加拿大和墨西哥商品加征25%关税 加方宣布反制",
        "美国对自加拿大和墨西哥进口的大部分商品加征25%关税的措施周二生效，加拿大随即宣布对"
        "价值300亿加元的美国商品征收报复性关税。",
    ),
    (
        "eu-china-ev",
        "en",
        184.0,
        "EU and China agree to talks on minimum prices for electric cars",
        "The European Union and China agreed to resume negotiations on replacing EU tariffs "
        "on Chinese-made electric vehicles with minimum import prices, the European "
        "Commission said.",
    ),
    (
        "eu-china-ev",
        "zh",
        185.0,
        "中欧同意就电动汽车最低价格承诺重启谈判",
        "欧盟委员会表示，欧盟与中国同意重启谈判，讨论以最低进口价格承诺取代欧盟对中国产电动"
        "汽车征收的反补贴关税。",
    ),
    # --- health -----------------------------------------------------------------------
    (
        "measles-texas",
        "en",
        200.0,
        "Texas measles outbreak grows to 146 cases, first child death reported",
        "A measles outbreak in West Texas has grown to 146 cases, most of them unvaccinated "
        "children, and a school-age child has died, the first US measles death in a "
        "decade.",
    ),
    (
        "measles-texas",
        "en",
        203.0,
        "Unvaccinated child dies of measles in Lubbock as outbreak spreads",
        "Health officials in Lubbock confirmed the death of an unvaccinated child "
        "hospitalised with measles, as the outbreak centred on Gaines County spread to "
        "neighbouring New Mexico.",
    ),
    (
        "measles-texas",
        "zh",
        201.0,
        "美国得州麻疹疫情扩大至146例 出现首例儿童死亡",
        "美国得克萨斯州西部麻疹疫情持续扩大，确诊病例增至146例，大多为未接种疫苗的儿童。"
        "一名学龄儿童死亡，这是美国十年来首例麻疹死亡病例。",
    ),
    (
        "bird-flu-cambodia",
        "en",
        205.0,
        "Cambodia reports second human bird flu death this year",
        "A man in Cambodia's Kampong Cham province has died of H5N1 bird flu, the country's "
        "second human death from the virus this year, the health ministry said.",
    ),
    (
        "bird-flu-cambodia",
        "en",
        207.0,
        "H5N1 death in Cambodia prompts poultry culls in Kampong Cham",
        "Cambodian authorities culled poultry and tested the family of a man who died of "
        "H5N1 avian influenza in Kampong Cham, after he had handled sick chickens.",
    ),
    # --- markets / companies -----------------------------------------------------------
    (
        "boeing-strike",
        "en",
        220.0,
        "Boeing machinists vote to end seven-week strike",
        "Boeing's 33,000 striking machinists in the Seattle area voted to accept a contract "
        "with a 38% pay rise over four years, ending a walkout that halted production of the "
        "737 MAX.",
    ),
    (
        "boeing-strike",
        "zh",
        221.0,
        "波音机械师投票结束七周罢工",
        "波音公司西雅图地区约3.3万名罢工机械师投票接受一份四年加薪38%的新合同，持续七周、"
        "导致737 MAX停产的罢工宣告结束。",
    ),
    (
        "boeing-strike",
        "en",
        223.0,
        "Boeing to restart 737 MAX output after union deal",
        "Boeing said it would restart its 737 MAX assembly lines within days after "
        "machinists approved a new four-year contract, though ramping up will take weeks.",
    ),
    (
        "intel-ceo",
        "en",
        218.0,
        "Intel CEO Pat Gelsinger steps down as turnaround falters",
        "Intel said chief executive Pat Gelsinger had retired and left its board, after "
        "directors lost confidence in his costly plan to turn the chipmaker into a contract "
        "manufacturer.",
    ),
    (
        "intel-ceo",
        "zh",
        219.0,
        "英特尔首席执行官基辛格退休 公司转型受挫",
        "英特尔公司宣布，首席执行官帕特·基辛格已退休并辞去董事会职务。此前董事会对其耗资巨大"
        "的代工转型计划失去信心。",
    ),
)
