"""Shanghai's 16 districts with their streets (街道) and some of their towns (镇), as a start.

Every street of the central districts (黄浦, 徐汇, 长宁, 静安, 普陀, 虹口, 杨浦) is here; for
the others, their streets and a few towns. Editors add the rest in the admin. Loading again
updates the names and adds what is missing; it never deletes, and it changes a street's centre
only when one is given for it.
"""

from django.db import transaction

from portal.areas.models import District, Street

# (district, English name, [(street or town, English name), ...]), in the city's usual order.
SHANGHAI = (
    (
        "黄浦区",
        "Huangpu District",
        [
            ("南京东路街道", "Nanjing East Road Subdistrict"),
            ("外滩街道", "The Bund Subdistrict"),
            ("半淞园路街道", "Bansongyuan Road Subdistrict"),
            ("小东门街道", "Xiaodongmen Subdistrict"),
            ("豫园街道", "Yuyuan Subdistrict"),
            ("老西门街道", "Laoximen Subdistrict"),
            ("五里桥街道", "Wuliqiao Subdistrict"),
            ("打浦桥街道", "Dapuqiao Subdistrict"),
            ("淮海中路街道", "Middle Huaihai Road Subdistrict"),
            ("瑞金二路街道", "Ruijin No. 2 Road Subdistrict"),
        ],
    ),
    (
        "徐汇区",
        "Xuhui District",
        [
            ("天平路街道", "Tianping Road Subdistrict"),
            ("湖南路街道", "Hunan Road Subdistrict"),
            ("斜土路街道", "Xietu Road Subdistrict"),
            ("枫林路街道", "Fenglin Road Subdistrict"),
            ("长桥街道", "Changqiao Subdistrict"),
            ("田林街道", "Tianlin Subdistrict"),
            ("虹梅路街道", "Hongmei Road Subdistrict"),
            ("康健新村街道", "Kangjian Xincun Subdistrict"),
            ("徐家汇街道", "Xujiahui Subdistrict"),
            ("凌云路街道", "Lingyun Road Subdistrict"),
            ("龙华街道", "Longhua Subdistrict"),
            ("漕河泾街道", "Caohejing Subdistrict"),
            ("华泾镇", "Huajing Town"),
        ],
    ),
    (
        "长宁区",
        "Changning District",
        [
            ("华阳路街道", "Huayang Road Subdistrict"),
            ("江苏路街道", "Jiangsu Road Subdistrict"),
            ("新华路街道", "Xinhua Road Subdistrict"),
            ("周家桥街道", "Zhoujiaqiao Subdistrict"),
            ("天山路街道", "Tianshan Road Subdistrict"),
            ("仙霞新村街道", "Xianxia Xincun Subdistrict"),
            ("虹桥街道", "Hongqiao Subdistrict"),
            ("程家桥街道", "Chengjiaqiao Subdistrict"),
            ("北新泾街道", "Beixinjing Subdistrict"),
            ("新泾镇", "Xinjing Town"),
        ],
    ),
    (
        "静安区",
        "Jing'an District",
        [
            ("静安寺街道", "Jing'an Temple Subdistrict"),
            ("曹家渡街道", "Caojiadu Subdistrict"),
            ("江宁路街道", "Jiangning Road Subdistrict"),
            ("石门二路街道", "Shimen No. 2 Road Subdistrict"),
            ("南京西路街道", "Nanjing West Road Subdistrict"),
            ("天目西路街道", "West Tianmu Road Subdistrict"),
            ("北站街道", "Beizhan Subdistrict"),
            ("宝山路街道", "Baoshan Road Subdistrict"),
            ("芷江西路街道", "West Zhijiang Road Subdistrict"),
            ("共和新路街道", "Gonghe Xinlu Subdistrict"),
            ("大宁路街道", "Daning Road Subdistrict"),
            ("彭浦新村街道", "Pengpu Xincun Subdistrict"),
            ("临汾路街道", "Linfen Road Subdistrict"),
            ("彭浦镇", "Pengpu Town"),
        ],
    ),
    (
        "普陀区",
        "Putuo District",
        [
            ("曹杨新村街道", "Caoyang Xincun Subdistrict"),
            ("长风新村街道", "Changfeng Xincun Subdistrict"),
            ("长寿路街道", "Changshou Road Subdistrict"),
            ("甘泉路街道", "Ganquan Road Subdistrict"),
            ("石泉路街道", "Shiquan Road Subdistrict"),
            ("宜川路街道", "Yichuan Road Subdistrict"),
            ("万里街道", "Wanli Subdistrict"),
            ("真如镇街道", "Zhenru Town Subdistrict"),
            ("长征镇", "Changzheng Town"),
            ("桃浦镇", "Taopu Town"),
        ],
    ),
    (
        "虹口区",
        "Hongkou District",
        [
            ("欧阳路街道", "Ouyang Road Subdistrict"),
            ("曲阳路街道", "Quyang Road Subdistrict"),
            ("广中路街道", "Guangzhong Road Subdistrict"),
            ("嘉兴路街道", "Jiaxing Road Subdistrict"),
            ("凉城新村街道", "Liangcheng Xincun Subdistrict"),
            ("四川北路街道", "North Sichuan Road Subdistrict"),
            ("北外滩街道", "North Bund Subdistrict"),
            ("江湾镇街道", "Jiangwan Town Subdistrict"),
        ],
    ),
    (
        "杨浦区",
        "Yangpu District",
        [
            ("定海路街道", "Dinghai Road Subdistrict"),
            ("平凉路街道", "Pingliang Road Subdistrict"),
            ("江浦路街道", "Jiangpu Road Subdistrict"),
            ("四平路街道", "Siping Road Subdistrict"),
            ("控江路街道", "Kongjiang Road Subdistrict"),
            ("长白新村街道", "Changbai Xincun Subdistrict"),
            ("延吉新村街道", "Yanji Xincun Subdistrict"),
            ("殷行街道", "Yinhang Subdistrict"),
            ("大桥街道", "Daqiao Subdistrict"),
            ("五角场街道", "Wujiaochang Subdistrict"),
            ("新江湾城街道", "Xinjiangwancheng Subdistrict"),
            ("长海路街道", "Changhai Road Subdistrict"),
        ],
    ),
    (
        "闵行区",
        "Minhang District",
        [
            ("江川路街道", "Jiangchuan Road Subdistrict"),
            ("古美街道", "Gumei Subdistrict"),
            ("新虹街道", "Xinhong Subdistrict"),
            ("浦锦街道", "Pujin Subdistrict"),
            ("莘庄镇", "Xinzhuang Town"),
            ("七宝镇", "Qibao Town"),
            ("梅陇镇", "Meilong Town"),
            ("浦江镇", "Pujiang Town"),
        ],
    ),
    (
        "宝山区",
        "Baoshan District",
        [
            ("友谊路街道", "Youyi Road Subdistrict"),
            ("吴淞街道", "Wusong Subdistrict"),
            ("张庙街道", "Zhangmiao Subdistrict"),
            ("大场镇", "Dachang Town"),
            ("顾村镇", "Gucun Town"),
            ("罗店镇", "Luodian Town"),
        ],
    ),
    (
        "嘉定区",
        "Jiading District",
        [
            ("新成路街道", "Xincheng Road Subdistrict"),
            ("真新街道", "Zhenxin Subdistrict"),
            ("嘉定镇街道", "Jiading Town Subdistrict"),
            ("南翔镇", "Nanxiang Town"),
            ("安亭镇", "Anting Town"),
            ("江桥镇", "Jiangqiao Town"),
        ],
    ),
    (
        "浦东新区",
        "Pudong New Area",
        [
            ("潍坊新村街道", "Weifang Xincun Subdistrict"),
            ("陆家嘴街道", "Lujiazui Subdistrict"),
            ("周家渡街道", "Zhoujiadu Subdistrict"),
            ("塘桥街道", "Tangqiao Subdistrict"),
            ("上钢新村街道", "Shanggang Xincun Subdistrict"),
            ("南码头路街道", "Nanmatou Road Subdistrict"),
            ("沪东新村街道", "Hudong Xincun Subdistrict"),
            ("金杨新村街道", "Jinyang Xincun Subdistrict"),
            ("洋泾街道", "Yangjing Subdistrict"),
            ("浦兴路街道", "Puxing Road Subdistrict"),
            ("东明路街道", "Dongming Road Subdistrict"),
            ("花木街道", "Huamu Subdistrict"),
            ("川沙新镇", "Chuansha New Town"),
            ("张江镇", "Zhangjiang Town"),
            ("三林镇", "Sanlin Town"),
            ("周浦镇", "Zhoupu Town"),
        ],
    ),
    (
        "金山区",
        "Jinshan District",
        [
            ("石化街道", "Shihua Subdistrict"),
            ("朱泾镇", "Zhujing Town"),
            ("枫泾镇", "Fengjing Town"),
            ("山阳镇", "Shanyang Town"),
        ],
    ),
    (
        "松江区",
        "Songjiang District",
        [
            ("岳阳街道", "Yueyang Subdistrict"),
            ("永丰街道", "Yongfeng Subdistrict"),
            ("方松街道", "Fangsong Subdistrict"),
            ("中山街道", "Zhongshan Subdistrict"),
            ("广富林街道", "Guangfulin Subdistrict"),
            ("九里亭街道", "Jiuliting Subdistrict"),
            ("泗泾镇", "Sijing Town"),
            ("九亭镇", "Jiuting Town"),
        ],
    ),
    (
        "青浦区",
        "Qingpu District",
        [
            ("夏阳街道", "Xiayang Subdistrict"),
            ("盈浦街道", "Yingpu Subdistrict"),
            ("香花桥街道", "Xianghuaqiao Subdistrict"),
            ("朱家角镇", "Zhujiajiao Town"),
            ("徐泾镇", "Xujing Town"),
            ("赵巷镇", "Zhaoxiang Town"),
        ],
    ),
    (
        "奉贤区",
        "Fengxian District",
        [
            ("西渡街道", "Xidu Subdistrict"),
            ("奉浦街道", "Fengpu Subdistrict"),
            ("金海街道", "Jinhai Subdistrict"),
            ("南桥镇", "Nanqiao Town"),
            ("奉城镇", "Fengcheng Town"),
            ("庄行镇", "Zhuanghang Town"),
        ],
    ),
    (
        "崇明区",
        "Chongming District",
        [
            ("城桥镇", "Chengqiao Town"),
            ("堡镇", "Baozhen Town"),
            ("陈家镇", "Chenjia Town"),
            ("长兴镇", "Changxing Town"),
        ],
    ),
)


@transaction.atomic
def load_shanghai(*, centres=None):
    """Create or update Shanghai's districts and streets; returns (districts, streets).

    ``centres`` maps a street's Chinese name to the CommunityCentre that serves it; streets
    not in it keep the centre they have.
    """
    centres = centres or {}
    districts = streets = 0
    for position, (name, name_en, district_streets) in enumerate(SHANGHAI, start=1):
        district, _ = District.objects.update_or_create(
            name=name, defaults={"name_en": name_en, "sort_order": position * 10}
        )
        districts += 1
        for street_name, street_en in district_streets:
            defaults = {"name_en": street_en}
            if street_name in centres:
                defaults["centre"] = centres[street_name]
            Street.objects.update_or_create(district=district, name=street_name, defaults=defaults)
            streets += 1
    return districts, streets
