/*
 * A year of Fuxin's people's mediation for the demo.
 *
 * First a plan: for every day of the last year, how many disputes arise (about 2,000 in
 * all, more in winter, when wages are owed before the Spring Festival and heating bills
 * are disputed), where (a village or community of the demo tree, 东瓦房村 the busiest),
 * about what (a matter: its type, its texts, an amount) and where it is registered first
 * (mostly the village's or community's own mediation committee; some at the township's
 * or the county's centre, a few by the hotline from an appeal). Then a simulation: each
 * dispute's next event (investigation, a session planned and held, the decision: agree,
 * escalate, fail, withdraw; referral, judicial confirmation, the fulfilment check, a
 * breach, the return visit, a leader's urge) has a time, and the events of all disputes
 * run in time order through dispute_register and dispute_act with the clock set to each
 * event's time, among the appeals' events inside their write transactions
 * (demo_appeals.h, demo_beside). Events after now do not happen, so the last weeks'
 * disputes stay open in whatever state they have reached: sessions planned for today,
 * agreements due for a check.
 *
 * Names, phone numbers, ID numbers, places and amounts are made up.
 */
#include "demo/demo_disputes.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "demo/demo_data.h"
#include "demo/demo_rand.h"
#include "disputes/dispute.h"
#include "disputes/dispute_admin.h"
#include "org/actor.h"
#include "org/auth.h"
#include "org/unit.h"
#include "org/user.h"

enum {
	MINUTE = 60000,
	HOUR = 60 * MINUTE,
	DAY = 24 * HOUR,
	CST = 8 * HOUR,
	/* Disputes a year, before the months' weights. */
	DISPUTES_PER_DAY_X10 = 55,
};
#define NEVER INT64_MAX

/* ---- what disputes are about ---- */

/* A matter: its type, its subject (for the title), facts and terms with slots ({A} the
 * applicant, {B} the respondent, {P} the place, {N} an amount, {K} a count), how it is
 * fulfilled, where it happens ('v' villages, 'c' communities, 'a' anywhere), its weight,
 * the months it is common in (a mask, bit m-1 for month m; 0: all year), its amount range,
 * and whether the respondent is an organization (its name). */
static const struct matter {
	const char *type, *subject, *facts, *terms, *how;
	char where;
	int weight;
	unsigned months;
	int lo, hi;
	const char *org;
	int people; /* more than the two parties: the count {K} (0: none) */
} matters[] = {
	{"neighbour", "相邻排水纠纷",
	 "{A}反映，邻居{B}翻建院墙时将两家之间的排水沟填平，雨后积水倒灌进{A}家院内，"
	 "造成院墙和仓房受损。双方多次协商未果，{A}要求{B}恢复排水沟并赔偿损失。",
	 "一、{B}于协议签订后十日内自行出资恢复原排水沟，保证排水畅通；\n"
	 "二、{B}一次性赔偿{A}仓房维修费用人民币{N}元；\n"
	 "三、双方今后互谅互让，和睦相处，不再因此事发生争执。",
	 "现金支付", 'v', 6, 0x1F0, 500, 3000, NULL, 0},
	{"neighbour", "宅基地界址纠纷",
	 "{A}反映，邻居{B}新建院墙时越过双方原有界址约半米，占用{A}家宅基地，{A}多次要求"
	 "拆除未果，双方发生口角。",
	 "一、双方以村民委员会存档的宅基地界址图为准，{B}于三十日内拆除越界部分院墙；\n"
	 "二、拆除及重建费用由{B}承担；\n三、双方今后以界桩为准，不得越界建设。",
	 "自行拆除", 'v', 5, 0x3F8, 0, 0, NULL, 0},
	{"neighbour", "噪音扰民纠纷",
	 "{A}反映，楼上住户{B}家中夜间活动及装修噪音较大，严重影响{A}一家休息，双方多次发生"
	 "口角，{A}曾报警处理。",
	 "一、{B}每日二十二时至次日六时不进行产生噪音的装修和活动；\n"
	 "二、{B}在客厅和卧室地面铺设地垫，减轻噪音；\n三、双方互相尊重，遇事协商解决。",
	 "自行履行", 'c', 7, 0, 0, 0, NULL, 0},
	{"neighbour", "饲养犬只伤人纠纷",
	 "{A}反映，其在{P}附近被{B}饲养的犬只咬伤，注射狂犬疫苗并治疗伤口，花去医疗费等共计"
	 "人民币{N}元，要求{B}赔偿，{B}认为{A}逗弄犬只在先。",
	 "一、{B}一次性赔偿{A}医疗费、误工费等共计人民币{N}元，于协议签订时当场付清；\n"
	 "二、{B}今后文明养犬，携犬出户时束犬链；\n三、{A}不再就此事追究{B}其他责任。",
	 "当场现金支付", 'a', 4, 0x3F0, 800, 4000, NULL, 0},
	{"family", "赡养纠纷",
	 "{A}年近八旬，育有子女三人。因赡养费用分担问题，子女之间互相推诿，{A}生活困难，请求"
	 "调解，要求{B}等子女按月支付赡养费。",
	 "一、{B}自本月起每月支付{A}赡养费人民币{N}元，于每月五日前支付；\n"
	 "二、{A}患病住院期间的医疗费用，由子女三人平均分担；\n"
	 "三、子女三人轮流照料{A}日常生活，每人每月不少于一次看望。",
	 "按月转账支付", 'a', 8, 0, 300, 800, NULL, 0},
	{"family", "婚姻家庭纠纷",
	 "{A}与丈夫{B}因家庭琐事及经济问题长期争吵，{A}带孩子回娘家居住已一个多月，双方亲属"
	 "请求村（居）委会调解。",
	 "一、双方同意继续共同生活，互相尊重，不再打骂；\n"
	 "二、家庭收支由双方共同商量安排，{B}每月工资交{A}统一管理；\n"
	 "三、{B}保证今后不再酗酒后与{A}争吵。",
	 "自行履行", 'a', 7, 0, 0, 0, NULL, 0},
	{"family", "彩礼返还纠纷",
	 "{A}之子与{B}之女经人介绍订婚，{A}给付彩礼人民币{N}元。后双方解除婚约，{A}要求全额"
	 "返还彩礼，{B}认为已为婚礼筹备支出部分费用，双方就返还数额争执不下。",
	 "一、{B}返还{A}彩礼人民币{N}元的百分之七十，于十五日内一次性付清；\n"
	 "二、双方婚约关系解除，今后互不追究。",
	 "银行转账", 'v', 4, 0x0C7, 30000, 120000, NULL, 0},
	{"family", "遗产继承纠纷",
	 "{A}与{B}系兄弟，父母去世后遗留平房三间，双方就房屋的继承和使用发生争议，{B}一家现居"
	 "住该房屋。",
	 "一、房屋归{B}所有，{B}给付{A}房屋折价款人民币{N}元；\n"
	 "二、折价款于协议签订后六十日内付清；\n三、付清后{A}协助{B}办理不动产变更登记。",
	 "银行转账", 'a', 3, 0, 20000, 80000, NULL, 0},
	{"property", "楼上漏水纠纷",
	 "{A}反映，楼上住户{B}家卫生间防水层损坏，造成{A}家卫生间和厨房顶棚渗水、墙皮脱落，"
	 "{A}要求{B}维修并赔偿装修损失。",
	 "一、{B}于十日内维修卫生间防水层，经{A}确认不再渗水；\n"
	 "二、{B}赔偿{A}顶棚和墙面修复费用人民币{N}元；\n三、双方互谅互让，和睦相处。",
	 "现金支付", 'c', 7, 0, 1000, 6000, NULL, 0},
	{"property", "物业费纠纷",
	 "{A}反映，业主{B}以小区楼道卫生差、电梯经常停运为由拒交物业费十八个月，合计人民币{N}"
	 "元，物业公司多次催缴未果。",
	 "一、{B}于三十日内补交物业费人民币{N}元；\n"
	 "二、物业公司于十五日内完成{B}所在单元电梯维修，并加强楼道保洁；\n"
	 "三、双方今后按物业服务合同履行各自义务。",
	 "银行转账", 'c', 5, 0, 1500, 4000, NULL, 0},
	{"property", "供暖费纠纷",
	 "{A}反映，其家室内温度长期不足十八摄氏度，{B}仍要求足额缴纳采暖费，{A}拒绝缴纳，双方"
	 "发生纠纷。经现场测温，{A}家卧室温度为十五摄氏度。",
	 "一、{B}于三日内对{A}家供热管网进行检修，保证室温达到十八摄氏度以上；\n"
	 "二、{A}缴纳本采暖期采暖费，{B}按室温不达标天数退还采暖费人民币{N}元；\n"
	 "三、室温仍不达标的，{A}可再次申请调解。",
	 "抵扣采暖费", 'c', 9, 0xC07, 200, 900, "某供热有限公司", 0},
	{"property", "车位占用纠纷",
	 "{A}反映，其购买的地下车位长期被{B}停放车辆占用，{A}多次联系{B}挪车未果，双方发生"
	 "争执。",
	 "一、{B}于协议签订当日将车辆驶离{A}的车位，今后不再占用；\n"
	 "二、{B}补偿{A}车位占用费人民币{N}元。",
	 "现金支付", 'c', 3, 0, 300, 1500, NULL, 0},
	{"land", "土地承包地界纠纷",
	 "{A}与{B}的承包地相邻，{B}春耕时越界耕种{A}承包地约{K}亩，双方发生争执，{A}要求"
	 "{B}退还越界耕种的土地并赔偿损失。",
	 "一、以二轮延包时确定的地界为准，由村民委员会组织重新测量、埋设界桩；\n"
	 "二、{B}将越界耕种部分退还{A}，并补偿{A}当季损失人民币{N}元。",
	 "现金支付", 'v', 5, 0x0F3, 500, 3000, NULL, 0},
	{"land", "土地流转费纠纷",
	 "{A}等{K}户村民将承包地流转给{B}种植玉米，{B}以去年秋季减产为由拖欠上一年度流转费"
	 "共计人民币{N}元，村民多次讨要未果。",
	 "一、{B}于三十日内付清拖欠的流转费人民币{N}元；\n"
	 "二、今后流转费于每年十二月三十一日前付清；\n三、逾期未付的，村民可依法解除流转合同。",
	 "银行转账", 'v', 5, 0xC03, 20000, 90000, NULL, 6},
	{"land", "牲畜毁损庄稼纠纷",
	 "{B}家散养的羊群进入{A}承包的玉米地，啃食、踩踏玉米约{K}亩，{A}要求赔偿，{B}认为"
	 "损失没有那么多。",
	 "一、{B}赔偿{A}庄稼损失人民币{N}元；\n"
	 "二、{B}今后圈养羊群，不再放任其进入他人承包地。",
	 "现金支付", 'v', 4, 0x3C0, 600, 2500, NULL, 0},
	{"labour", "拖欠工资纠纷",
	 "{A}等{K}名农民工在{B}承包的工程项目务工，工程完工后，{B}以工程款未结算为由拖欠"
	 "工资共计人民币{N}元。临近年关，工人多次讨要未果，情绪激动。",
	 "一、{B}于十五日内支付拖欠的工资人民币{N}元；\n"
	 "二、{B}逾期未付的，由工程发包方从应付工程款中代为支付；\n"
	 "三、工人不再采取过激方式讨薪。",
	 "银行转账", 'a', 7, 0xC03, 40000, 300000, NULL, 9},
	{"labour", "工伤赔偿纠纷",
	 "{A}在{B}经营的砖厂务工期间受伤，住院治疗二十余天，双方就医疗费、误工费的赔偿数额"
	 "发生争议。",
	 "一、{B}一次性赔偿{A}医疗费、误工费、护理费等共计人民币{N}元；\n"
	 "二、款项于协议签订后十日内付清；\n三、双方就此次受伤再无其他争议。",
	 "银行转账", 'a', 3, 0, 8000, 40000, NULL, 0},
	{"consumer", "装修质量纠纷",
	 "{A}委托{B}装修住房，入住不久即出现墙面开裂、地砖空鼓等问题，{A}要求返工并赔偿，{B}"
	 "只同意局部维修。",
	 "一、{B}于二十日内对开裂墙面和空鼓地砖进行返修；\n"
	 "二、{B}退还{A}部分装修款人民币{N}元。",
	 "返修并退款", 'c', 4, 0x7F8, 2000, 10000, NULL, 0},
	{"consumer", "预付卡退费纠纷",
	 "{A}在{B}经营的健身房办理年卡，交费人民币{N}元，后健身房停业装修三个月，{A}要求退还"
	 "剩余费用，{B}不同意。",
	 "一、{B}退还{A}未消费部分费用人民币{N}元的一半；\n二、款项于七日内付清。", "银行转账", 'c',
	 3, 0, 1500, 5000, NULL, 0},
	{"traffic", "交通事故赔偿纠纷",
	 "{A}驾驶电动自行车在{P}附近与{B}驾驶的小型轿车发生剐蹭，造成{A}受伤、车辆受损。交警"
	 "部门认定{B}负事故主要责任，双方就赔偿数额未能达成一致。",
	 "一、{B}赔偿{A}医疗费、误工费、车辆维修费等共计人民币{N}元；\n"
	 "二、{A}不再就本次事故向{B}主张其他权利。",
	 "当场现金支付", 'a', 6, 0, 1500, 12000, NULL, 0},
	{"medical", "医疗费用纠纷",
	 "{A}在{B}就诊后病情加重，转院治疗花费医疗费人民币{N}元，{A}认为诊所存在延误诊治的"
	 "过错，要求赔偿。",
	 "一、{B}一次性补偿{A}医疗费用人民币{N}元的百分之六十；\n二、款项于十日内付清；\n"
	 "三、{A}不再就此事向{B}主张其他权利。",
	 "银行转账", 'a', 3, 0, 3000, 20000, "某诊所", 0},
	{"other", "民间借贷纠纷",
	 "{A}前年借给{B}人民币{N}元，约定一年内归还，到期后{B}以经营困难为由未还，{A}多次"
	 "催要未果。",
	 "一、{B}分三期归还借款人民币{N}元，每期于当月末前支付；\n"
	 "二、{B}按期还清的，{A}不再主张利息。",
	 "分期银行转账", 'a', 4, 0, 5000, 50000, NULL, 0},
	{"other", "合伙经营纠纷",
	 "{A}与{B}合伙经营农家乐，后因经营亏损散伙，双方就合伙财产的分割和债务的承担发生"
	 "争议。",
	 "一、合伙期间购置的桌椅、厨具归{B}所有，{B}补偿{A}人民币{N}元；\n"
	 "二、合伙期间的对外债务由双方各承担一半。",
	 "现金支付", 'a', 2, 0x3F0, 4000, 20000, NULL, 0},
};
enum { NMATTERS = sizeof matters / sizeof matters[0] };

/* Winter has more disputes (wages, heating, family quarrels at the Spring Festival). */
static const int month_weight[12] = {13, 14, 9, 9, 10, 9, 9, 8, 9, 9, 11, 13};

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
				       "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
				       "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
				       "唐", "韩", "冯", "于", "董", "包", "白", "曹"};
static const char *const given[] = {"桂兰", "玉珍", "淑华", "秀英", "凤芝", "丽娟", "春梅", "海燕",
				    "晓光", "振华", "国庆", "建军", "德福", "长海", "立新", "志强",
				    "永利", "宝山", "春生", "文革", "红军", "铁柱", "二虎", "金龙",
				    "玉山", "连生", "树林", "广才", "俊峰", "雅琴"};
static const char *const compounds[] = {"矿工小区", "福园小区", "阳光家园", "新华小区",
					"和谐家园", "建设小区", "电厂小区", "煤城花园"};

static const char *const session_notes[] = {
	"调解员分别听取了双方陈述，{B}承认基本事实，但认为{A}提出的要求过高。经调解员释法说理，"
	"双方同意继续协商。",
	"调解员组织双方到现场查看，并邀请村（居）民代表参与调解。双方就赔偿数额反复协商，"
	"差距明显缩小。",
	"在调解员主持下，双方面对面协商。调解员结合有关法律规定和当地习惯做双方工作，{B}同意"
	"承担主要责任。",
	"调解员背对背分别做双方工作，{A}同意适当降低要求，{B}表示愿意尽快解决。",
};
static const char *const investigation_notes[] = {
	"调解员走访了双方当事人及周边邻居，查看了现场，了解到纠纷的基本事实与{A}反映的情况"
	"基本一致。",
	"调解员向{B}了解情况并查阅了相关材料，{B}对{A}反映的事实没有异议，但对责任划分有不同"
	"意见。",
	"调解员调取了相关书证、照片，并向村（居）委会干部和知情群众了解了情况。",
};
static const char *const escalate_reasons[] = {
	"双方分歧较大，经多次调解未果，村级调解难以化解，上报乡镇（街道）矛盾纠纷调解中心。",
	"涉及人数较多、情绪激动，需乡镇相关部门共同参与调解，申请上报。",
	"双方对赔偿数额争议较大，涉及专业鉴定，上报上级调解中心组织调解。",
};

/* ---- the plan ---- */

enum dstep {
	D_REGISTER,
	D_URGE,
	D_INVESTIGATE,
	D_PLAN,
	D_SESSION,
	D_DECIDE,
	D_AFTER_FAIL,
	D_CONFIRM,
	D_RULING,
	D_CHECK,
	D_REVISIT,
	D_DONE,
};

/* Where a dispute is registered first. */
enum start { AT_VILLAGE, AT_TOWNSHIP, AT_COUNTY, AT_HOTLINE };

enum {
	F_PLANNED = 1 << 0,  /* the next session was planned ahead (its record is planned) */
	F_BREACHED = 1 << 1, /* the agreement was breached once */
	F_CONFIRM = 1 << 2,  /* the agreement goes to court for confirmation */
	F_FAILED = 1 << 3,
};

typedef struct dsim {
	int64_t t;	    /* the next event, NEVER when there is none */
	int64_t id;	    /* the dispute, once registered */
	int64_t holder;	    /* the holding unit now */
	int64_t record;	    /* the planned session's record */
	int64_t session_at; /* the planned session's time */
	int64_t fulfil_by;
	uint64_t rng;
	int16_t place, matter;
	uint16_t twin; /* the same applicant as the dispute this many places earlier, 0: none */
	uint8_t step, start, level, sessions, flags;
} dsim;

/* A mediation unit's mediator. */
typedef struct mediator {
	int64_t unit_id; /* the mediation unit: the village or community, or the centre */
	int key;	 /* the demo unit (village, community, township, county) it serves */
	actor who;
} mediator;

/* The places: villages and communities of the demo tree. */
typedef struct place {
	int unit; /* demo_units index */
	int township, county;
	int weight;
	bool village;
} place;

struct demo_disputes {
	store *s;
	const int64_t *unit_ids;
	int64_t start, end;
	dsim *v, *saved;
	size_t n;
	size_t *heap, nheap;
	place *places;
	size_t nplaces;
	mediator *meds;
	size_t nmeds;
	actor agent, leader;
	bool dirty; /* events ran since the last commit */
};

static int unit_index(const char *key)
{
	for (size_t i = 0; key && i < demo_units_count; i++)
		if (!strcmp(demo_units[i].key, key))
			return (int)i;
	return -1;
}

static int parent_index(int i)
{
	return unit_index(demo_units[i].parent_key);
}

/* The mediator's login of a mediation unit (unit: the village or community, or the
 * region's centre): the contract's three, else tj<unit id> — the unit keys would make
 * names that searches for the other demo logins (zhanqian, xihe) also find. */
static void mediator_username(const char *key, int64_t unit, char *out, size_t n)
{
	if (!strcmp(key, "dongwafang"))
		snprintf(out, n, "dwf_mediator");
	else if (!strcmp(key, "hanjiadian"))
		snprintf(out, n, "hjd_mediator");
	else if (!strcmp(key, "haizhou"))
		snprintf(out, n, "mediator");
	else
		snprintf(out, n, "tj%lld", (long long)unit);
}

static void person_name(uint64_t *g, char *out, size_t n)
{
	snprintf(out, n, "%s%s", surnames[demo_rnd_int(g, 0, 31)], given[demo_rnd_int(g, 0, 29)]);
}

static void phone_number(uint64_t *g, char *out, size_t n)
{
	static const char *const prefixes[] = {"139", "138", "151", "155",
					       "186", "187", "130", "133"};
	snprintf(out, n, "%s%08lld", prefixes[demo_rnd_int(g, 0, 7)],
		 (long long)demo_rnd_int(g, 0, 99999999));
}

/* ---- the setup: centres and mediators ---- */

static int add_mediator(store_conn *c, const actor *sys, const char *username, int64_t unit,
			const char *hash, err *e)
{
	uint64_t g = demo_rnd_seed((uint64_t)unit * 7919);
	char name[32], phone[16];
	person_name(&g, name, sizeof name);
	phone_number(&g, phone, sizeof phone);
	user_input in = {.username = username,
			 .display_name = name,
			 .password_hash = hash,
			 .unit_id = unit,
			 .roles = ROLE_MEDIATOR,
			 .phone = phone};
	int64_t id;
	return user_create(c, sys, &in, &id, e);
}

/* The mediation centre of region i: 海州区's exists in the tree; the others are made. */
static int add_centre(store_conn *c, const actor *sys, const int64_t *ids, int i, int64_t *centre,
		      err *e)
{
	if (!strcmp(demo_units[i].key, "haizhou")) {
		*centre = ids[unit_index("haizhou_mediation")];
	} else {
		char name[160];
		snprintf(name, sizeof name, "%s矛盾纠纷调解中心", demo_units[i].name);
		unit_input in = {.name = name, .kind = "department", .parent_id = ids[i]};
		if (unit_create(c, sys, &in, centre, e) < 0)
			return -1;
	}
	return dispute_centre_put(c, sys, *centre, ids[i], e);
}

int demo_disputes_setup(store_conn *c, const int64_t *unit_ids, const char *password_hash, err *e)
{
	actor sys;
	actor_system(&sys, "demo");
	for (size_t i = 0; i < demo_units_count; i++) {
		const char *kind = demo_units[i].kind;
		bool region = !strcmp(kind, "county") || !strcmp(kind, "township");
		bool committee = !strcmp(kind, "village") || !strcmp(kind, "community");
		int64_t unit = unit_ids[i];
		if (!region && !committee)
			continue;
		if (region && add_centre(c, &sys, unit_ids, (int)i, &unit, e) < 0)
			return -1;
		char username[48];
		mediator_username(demo_units[i].key, unit, username, sizeof username);
		/* 海州区's centre already has the contract's `mediator`. */
		if (strcmp(username, "mediator") != 0 &&
		    add_mediator(c, &sys, username, unit, password_hash, e) < 0)
			return -1;
	}
	return 0;
}

/* ---- time, China Standard Time ---- */

static int64_t local_midnight(int64_t t)
{
	return (t + CST) / DAY * DAY - CST;
}

/* 0 Sunday .. 6 Saturday. */
static int local_weekday(int64_t t)
{
	return (int)(((t + CST) / DAY + 4) % 7);
}

/* A time in the office hours (8:30 to 17:00) of the first working day at or after the day
 * of t, no earlier than t. */
static int64_t office_time(uint64_t *g, int64_t t)
{
	int64_t day = local_midnight(t);
	for (;;) {
		int wd = local_weekday(day);
		int64_t open = day + 8 * HOUR + 30 * MINUTE, close = day + 17 * HOUR;
		if (wd != 0 && wd != 6 && t < close) {
			int64_t from = t > open ? t : open;
			return from + demo_rnd_int(g, 0, (close - from) / MINUTE) * MINUTE;
		}
		day += DAY;
	}
}

/* Office time some days after t. */
static int64_t days_later(uint64_t *g, int64_t t, int lo, int hi)
{
	int64_t day = local_midnight(t) + demo_rnd_int(g, lo, hi) * DAY;
	return office_time(g, day > t ? day : t + 10 * MINUTE);
}

static void iso(int64_t t, char *out, size_t n)
{
	clock_format_iso(t, out, n);
}

/* ---- texts ---- */

/* The parties and numbers of dispute i, the same at every step. */
typedef struct cast {
	char a[32], b[64], a_phone[16], b_phone[16], id_number[24];
	char place[200], address[200];
	int64_t amount, count;
	bool b_org;
} cast;

static void id_number_of(uint64_t *g, const char *county_code, char *out, size_t n)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	char body[18];
	snprintf(body, sizeof body, "%.6s%04d%02d%02d%03d", county_code ? county_code : "210902",
		 (int)demo_rnd_int(g, 1948, 2000), (int)demo_rnd_int(g, 1, 12),
		 (int)demo_rnd_int(g, 1, 28), (int)demo_rnd_int(g, 1, 999));
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (body[i] - '0') * w[i];
	snprintf(out, n, "%s%c", body, check[sum % 11]);
}

static void cast_of(const demo_disputes *d, size_t i, cast *k)
{
	const dsim *a = &d->v[i];
	const struct matter *m = &matters[a->matter];
	const place *p = &d->places[a->place];
	uint64_t g = demo_rnd_seed(((uint64_t)i + 1) * 104729);
	uint64_t who = demo_rnd_seed(((uint64_t)(i - a->twin) + 1) * 15485863);
	memset(k, 0, sizeof *k);
	person_name(&who, k->a, sizeof k->a);
	phone_number(&who, k->a_phone, sizeof k->a_phone);
	do
		person_name(&g, k->b, sizeof k->b);
	while (!strcmp(k->a, k->b));
	if (m->org)
		snprintf(k->b, sizeof k->b, "%s", m->org);
	k->b_org = m->org != NULL;
	phone_number(&g, k->b_phone, sizeof k->b_phone);
	id_number_of(&g, demo_units[p->county].code, k->id_number, sizeof k->id_number);
	/* The applicant's home; the dispute happens there, or out in the group's fields. */
	const char *unit = demo_units[p->unit].name;
	if (p->village)
		snprintf(k->address, sizeof k->address, "%s%d组%d号", unit,
			 (int)demo_rnd_int(&g, 1, 8), (int)demo_rnd_int(&g, 1, 80));
	else
		snprintf(k->address, sizeof k->address, "%s%s%d号楼%d单元", unit,
			 compounds[demo_rnd_int(&g, 0, 7)], (int)demo_rnd_int(&g, 1, 30),
			 (int)demo_rnd_int(&g, 1, 6));
	if (!strcmp(m->type, "land"))
		snprintf(k->place, sizeof k->place, "%s%d组耕地", unit,
			 (int)demo_rnd_int(&g, 1, 8));
	else
		snprintf(k->place, sizeof k->place, "%.190s", k->address);
	k->amount = m->hi ? demo_rnd_int(&g, m->lo / 100, m->hi / 100) * 100 : 0;
	k->count = m->people ? demo_rnd_int(&g, 3, m->people * 2) : demo_rnd_int(&g, 1, 6);
}

/* tpl with its slots filled from k. */
static char *expand(const char *tpl, const cast *k)
{
	strbuf sb = STRBUF_INIT;
	for (const char *p = tpl; *p; p++) {
		if (*p != '{' || !p[1] || p[2] != '}') {
			strbuf_addch(&sb, *p);
			continue;
		}
		switch (p[1]) {
		case 'A': strbuf_adds(&sb, k->a); break;
		case 'B': strbuf_adds(&sb, k->b); break;
		case 'P': strbuf_adds(&sb, k->place); break;
		case 'N': strbuf_addf(&sb, "%lld", (long long)k->amount); break;
		case 'K': strbuf_addf(&sb, "%lld", (long long)k->count); break;
		default: strbuf_add(&sb, p, 3);
		}
		p += 2;
	}
	return strbuf_detach(&sb, NULL);
}

static const char *pick(uint64_t *g, const char *const *list, size_t n)
{
	return list[demo_rnd_int(g, 0, (int64_t)n - 1)];
}
#define PICK(g, list) pick(g, list, sizeof list / sizeof list[0])

/* ---- the plan ---- */

static int local_month(int64_t t)
{
	char buf[40];
	clock_format_iso(t, buf, sizeof buf);
	return atoi(buf + 5);
}

static bool matter_fits(const struct matter *m, const place *p)
{
	return m->where == 'a' || (m->where == 'v') == p->village;
}

/* A matter's weight in a month at a place: in its season twice as common, out of it a
 * quarter. */
static int matter_weight(const struct matter *m, int month, const place *p)
{
	if (!matter_fits(m, p))
		return 0;
	int w = m->weight * 4;
	if (m->months)
		w = (m->months >> (month - 1)) & 1 ? w * 2 : w / 4;
	return w;
}

static void find_places(demo_disputes *d)
{
	d->places = xcalloc(demo_units_count, sizeof *d->places);
	for (size_t i = 0; i < demo_units_count; i++) {
		const char *kind = demo_units[i].kind;
		bool village = !strcmp(kind, "village");
		if (!village && strcmp(kind, "community") != 0)
			continue;
		int t = parent_index((int)i), c = t >= 0 ? parent_index(t) : -1;
		if (t < 0 || c < 0 || strcmp(demo_units[t].kind, "township") != 0 ||
		    strcmp(demo_units[c].kind, "county") != 0)
			continue;
		/* 东瓦房村, whose mediator is a demo login, is the busiest. */
		int weight = !strcmp(demo_units[i].key, "dongwafang") ? 14 : village ? 3 : 2;
		d->places[d->nplaces++] = (place){(int)i, t, c, weight, village};
	}
}

static void plan_one(demo_disputes *d, uint64_t *g, int64_t day, size_t *cap)
{
	int month = local_month(day + 12 * HOUR);
	int pw[256], mw[NMATTERS];
	size_t np = d->nplaces < 256 ? d->nplaces : 256;
	for (size_t k = 0; k < np; k++)
		pw[k] = d->places[k].weight;
	dsim a = {.step = D_REGISTER};
	a.place = (int16_t)demo_rnd_weighted(g, pw, np);
	for (size_t k = 0; k < NMATTERS; k++)
		mw[k] = matter_weight(&matters[k], month, &d->places[a.place]);
	a.matter = (int16_t)demo_rnd_weighted(g, mw, NMATTERS);
	static const int starts[] = {80, 15, 3, 2};
	a.start = (uint8_t)demo_rnd_weighted(g, starts, 4);
	a.t = day + 8 * HOUR + demo_rnd_int(g, 30, 9 * 60) * MINUTE;
	if (a.t <= d->start || a.t >= d->end)
		return;
	if (d->n == *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		d->v = xrealloc(d->v, *cap * sizeof *d->v);
	}
	a.rng = demo_rnd_seed(d->n * 7 + 3);
	d->v[d->n++] = a;
}

static int by_time(const void *x, const void *y)
{
	const dsim *a = x, *b = y;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->place - b->place;
}

/* The year's disputes, in time order: about 5.5 a day, more in winter, fewer at
 * weekends. */
static void plan(demo_disputes *d)
{
	uint64_t g = demo_rnd_seed(12348);
	size_t cap = 0;
	for (int64_t day = local_midnight(d->start); day < d->end; day += DAY) {
		int wd = local_weekday(day);
		double rate = DISPUTES_PER_DAY_X10 / 10.0 *
			      month_weight[local_month(day + 12 * HOUR) - 1] / 10.25 *
			      (wd == 0 || wd == 6 ? 0.45 : 1.22);
		int n = (int)rate + demo_rnd_chance(&g, rate - (int)rate);
		for (int k = 0; k < n; k++)
			plan_one(d, &g, day, &cap);
	}
	qsort(d->v, d->n, sizeof *d->v, by_time);
	/* Some people come back: a twentieth of the disputes have the applicant of an
	 * earlier one of the same place (a repeated incident, flagged as a risk). */
	for (size_t i = 0; i < d->n; i++) {
		d->v[i].rng = demo_rnd_seed(i * 7 + 3);
		if (!demo_rnd_chance(&g, 0.05))
			continue;
		for (size_t j = i; j-- > 0 && i - j < 400;)
			if (d->v[j].place == d->v[i].place && !d->v[j].twin) {
				d->v[i].twin = (uint16_t)(i - j);
				break;
			}
	}
}

/* ---- who acts ---- */

/* The actor a login resolves to (as auth_resolve builds it). */
static int actor_load(store_conn *c, const char *username, actor *out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT u.id, u.unit_id, un.path, un.kind FROM users u"
				 " JOIN units un ON un.id = u.unit_id WHERE u.username = ?",
				 "s", username);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "demo_disputes", NULL,
					 "演示用户 %s 不存在", username)
			       : -1;
	memset(out, 0, sizeof *out);
	out->user_id = store_col_int(st, 0);
	out->unit_id = store_col_int(st, 1);
	snprintf(out->unit_path, sizeof out->unit_path, "%s", store_col_text(st, 2));
	bool department = !strcmp(store_col_text(st, 3), "department");
	store_done(st);
	snprintf(out->username, sizeof out->username, "%s", username);
	snprintf(out->ip, sizeof out->ip, "10.19.%d.%d", (int)(out->unit_id % 200),
		 (int)(out->user_id % 200) + 10);
	st = store_prepare(c, "SELECT role FROM user_roles WHERE user_id = ?", e);
	if (!st)
		return -1;
	store_bind_int(st, 1, out->user_id);
	while ((rc = store_step(st, e)) == 1)
		out->roles |= role_parse(store_col_text(st, 0));
	store_done(st);
	if (rc < 0)
		return -1;
	if (department && actor_has(out, AUTH_JURISDICTION_ROLES))
		return auth_jurisdiction(c, out->unit_id, out->unit_path, sizeof out->unit_path, e);
	return 0;
}

static int add_actor(store_conn *c, demo_disputes *d, int i, err *e)
{
	const char *key = demo_units[i].key, *kind = demo_units[i].kind;
	int64_t unit = d->unit_ids[i];
	if ((!strcmp(kind, "township") || !strcmp(kind, "county")) &&
	    store_query_int(c, &unit, 0, e,
			    "SELECT unit_id FROM dispute_centres WHERE region_id = ?", "i",
			    d->unit_ids[i]) < 0)
		return -1;
	char username[48];
	mediator_username(key, unit, username, sizeof username);
	mediator *m = &d->meds[d->nmeds];
	if (actor_load(c, username, &m->who, e) < 0)
		return -1;
	m->unit_id = m->who.unit_id;
	m->key = unit_index(key);
	d->nmeds++;
	return 0;
}

/* Every mediation unit's mediator, the hotline agent and the city leader. */
static int tx_actors(store_conn *c, void *p, err *e)
{
	demo_disputes *d = p;
	d->nmeds = 0;
	for (size_t i = 0; i < demo_units_count; i++) {
		const char *kind = demo_units[i].kind;
		if (strcmp(kind, "village") && strcmp(kind, "community") &&
		    strcmp(kind, "township") && strcmp(kind, "county"))
			continue;
		if (add_actor(c, d, (int)i, e) < 0)
			return -1;
	}
	return actor_load(c, "agent", &d->agent, e) < 0 ? -1
							: actor_load(c, "leader", &d->leader, e);
}

static const actor *mediator_of(const demo_disputes *d, int64_t unit_id)
{
	for (size_t i = 0; i < d->nmeds; i++)
		if (d->meds[i].unit_id == unit_id)
			return &d->meds[i].who;
	return NULL;
}

/* The mediator serving demo unit key (a village's committee, a township's centre). */
static const actor *mediator_for(const demo_disputes *d, int key)
{
	for (size_t i = 0; i < d->nmeds; i++)
		if (d->meds[i].key == key)
			return &d->meds[i].who;
	return NULL;
}

/* ---- the simulation's steps ---- */

/* dispute_act by who (NULL: the holder's mediator) with body (taken). */
static int act(store_conn *c, const demo_disputes *d, const dsim *a, const actor *who, json_t *body,
	       err *e)
{
	if (!who)
		who = mediator_of(d, a->holder);
	int rc = who ? dispute_act(c, who, a->id,
				   json_string_value(json_object_get(body, "action")), body, e)
		     : err_set(e, ERR_INTERNAL, "demo_disputes", NULL, "单位 %lld 没有调解员",
			       (long long)a->holder);
	json_decref(body);
	return rc;
}

/* The dispute's holding unit and level as the database has them now. */
static int reload(store_conn *c, dsim *a, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT c.handler_id, d.level FROM cases c JOIN disputes d"
				 " ON d.case_id = c.id WHERE c.id = ?",
				 "i", a->id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "demo_disputes", NULL, "纠纷不存在") : -1;
	a->holder = store_col_int(st, 0);
	const char *level = store_col_text(st, 1);
	a->level = !strcmp(level, "village") ? 0 : !strcmp(level, "township") ? 1 : 2;
	store_done(st);
	return 0;
}

/* An appeal of the last two months about wages or housing that has no dispute yet, and
 * the type of dispute it makes. */
static int appeal_for(store_conn *c, dsim *a, int64_t *appeal, const char **type, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT c.id, cat.code FROM cases c JOIN appeals ap ON ap.case_id = c.id"
		" JOIN categories cat ON cat.id = ap.category_id JOIN units u ON u.id = c.region_id"
		" WHERE c.kind = 'appeal' AND c.created_at < ? AND c.created_at > ?"
		" AND cat.code IN ('property', 'wages', 'housing') AND u.kind IN ('village',"
		" 'community', 'township') AND NOT EXISTS (SELECT 1 FROM case_links l"
		" WHERE l.linked_case_id = c.id) ORDER BY c.id DESC LIMIT 1 OFFSET ?",
		"iii", a->t, a->t - 60LL * DAY, demo_rnd_int(&a->rng, 0, 20));
	*appeal = 0;
	if (rc <= 0)
		return rc;
	*appeal = store_col_int(st, 0);
	*type = !strcmp(store_col_text(st, 1), "wages") ? "labour" : "property";
	store_done(st);
	return 0;
}

/* The first session: planned ahead (half the time) or recorded when held. */
static void next_session(dsim *a)
{
	bool ahead = demo_rnd_chance(&a->rng, 0.3);
	a->step = ahead ? D_PLAN : D_SESSION;
	a->t = ahead ? days_later(&a->rng, a->t, 0, 2) : days_later(&a->rng, a->t, 1, 5);
}

static int do_register(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	const struct matter *m = &matters[a->matter];
	const place *p = &d->places[a->place];
	cast k;
	cast_of(d, i, &k);
	char *facts = expand(m->facts, &k), *title = xasprintf("%s与%s%s", k.a, k.b, m->subject);
	dispute_party_input parties[2] = {
		{.name = k.a,
		 .side = "applicant",
		 .phone = k.a_phone,
		 .id_number = demo_rnd_chance(&a->rng, 0.6) ? k.id_number : NULL,
		 .address = k.address},
		{.name = k.b,
		 .kind = k.b_org ? "organization" : "person",
		 .side = "respondent",
		 .phone = k.b_phone},
	};
	dispute_input in = {.type = m->type,
			    .title = title,
			    .facts = facts,
			    .place = k.place,
			    .parties = parties,
			    .nparties = 2,
			    .people_involved = m->people ? k.count + 1 : 2,
			    .threats = demo_rnd_chance(&a->rng, m->people ? 0.12 : 0.012)};
	const actor *who = mediator_for(d, p->unit);
	if (a->start == AT_TOWNSHIP || a->start == AT_COUNTY) {
		who = mediator_for(d, a->start == AT_TOWNSHIP ? p->township : p->county);
		in.region_id = d->unit_ids[p->unit];
	}
	int rc = a->start == AT_HOTLINE ? appeal_for(c, a, &in.from_appeal_id, &in.type, e) : 0;
	if (rc == 0 && in.from_appeal_id) {
		who = &d->agent;
		in.title = in.facts = NULL; /* the appeal's */
		in.place = NULL;
		in.source = "appeal";
	}
	if (rc == 0)
		rc = who ? dispute_register(c, who, &in, &a->id, e)
			 : err_set(e, ERR_INTERNAL, "demo_disputes", NULL, "没有登记纠纷的调解员");
	free(facts);
	free(title);
	if (rc < 0 || reload(c, a, e) < 0)
		return -1;
	a->sessions = (uint8_t)(demo_rnd_chance(&a->rng, 0.8) ? 1 : 2);
	bool risky = in.threats || in.people_involved > 5;
	if (risky && demo_rnd_chance(&a->rng, 0.5)) {
		a->step = D_URGE;
		a->t = days_later(&a->rng, a->t, 1, 2);
	} else {
		a->step = D_INVESTIGATE;
		a->t = days_later(&a->rng, a->t, 0, 2);
	}
	return 0;
}

static int do_urge(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	json_t *body = json_pack("{s:s, s:s}", "action", "urge", "note",
				 "该纠纷涉及人数较多、矛盾易激化，请调解组织抓紧化解，"
				 "及时报告进展，防止发生群体性事件。");
	a->step = D_INVESTIGATE;
	int rc = act(c, d, a, &d->leader, body, e);
	a->t = days_later(&a->rng, a->t, 0, 1);
	return rc;
}

static int do_investigate(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	int rc = 0;
	if (demo_rnd_chance(&a->rng, 0.35)) {
		cast k;
		cast_of(d, i, &k);
		char held[40], *notes = expand(PICK(&a->rng, investigation_notes), &k);
		char *present = xasprintf("%s、%s及知情群众", k.a, k.b);
		iso(a->t - demo_rnd_int(&a->rng, 20, 60) * MINUTE, held, sizeof held);
		rc = act(c, d, a, NULL,
			 json_pack("{s:s, s:s, s:s, s:s, s:s}", "action", "investigate", "held_at",
				   held, "place", k.place, "present", present, "notes", notes),
			 e);
		free(notes);
		free(present);
	}
	next_session(a);
	return rc;
}

/* Where the holder mediates. */
static const char *room(const dsim *a)
{
	return a->level == 0 ? "村（居）民委员会人民调解室" : "矛盾纠纷调解中心调解室";
}

static int do_plan(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	cast k;
	cast_of(d, i, &k);
	a->session_at = days_later(&a->rng, a->t, 1, 4);
	char held[40], *present = xasprintf("%s、%s", k.a, k.b);
	iso(a->session_at, held, sizeof held);
	int rc = act(c, d, a, NULL,
		     json_pack("{s:s, s:s, s:s, s:s}", "action", "record_session", "held_at", held,
			       "place", room(a), "present", present),
		     e);
	free(present);
	if (rc < 0 || store_query_int(c, &a->record, 0, e,
				      "SELECT MAX(id) FROM dispute_records WHERE dispute_id = ?",
				      "i", a->id) < 0)
		return -1;
	a->flags |= F_PLANNED;
	a->step = D_SESSION;
	a->t = a->session_at + demo_rnd_int(&a->rng, 60, 150) * MINUTE;
	return 0;
}

static int do_session(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	cast k;
	cast_of(d, i, &k);
	bool planned = a->flags & F_PLANNED;
	char held[40], *notes = expand(PICK(&a->rng, session_notes), &k);
	char *present = xasprintf("%s、%s", k.a, k.b);
	iso(planned ? a->session_at : a->t - demo_rnd_int(&a->rng, 60, 120) * MINUTE, held,
	    sizeof held);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "action", "record_session", "held_at",
				 held, "place", room(a), "present", present, "notes", notes);
	if (planned)
		json_object_set_new(body, "record_id", json_integer(a->record));
	int rc = act(c, d, a, NULL, body, e);
	free(notes);
	free(present);
	a->flags &= (uint8_t)~F_PLANNED;
	if (--a->sessions > 0) {
		next_session(a);
	} else {
		a->step = D_DECIDE;
		a->t = days_later(&a->rng, a->t, 0, 2);
	}
	return rc;
}

/* The local date of t as YYYY-MM-DD. */
static void date_of(int64_t t, char out[16])
{
	char buf[40];
	iso(t, buf, sizeof buf);
	snprintf(out, 16, "%.10s", buf);
}

/* Most mediators check on the deadline's day; some only days later (the scheduler has
 * urged them by then). */
static int64_t check_time(dsim *a)
{
	int64_t from = a->fulfil_by > a->t ? a->fulfil_by : a->t;
	return days_later(&a->rng, from, 0, demo_rnd_chance(&a->rng, 0.85) ? 0 : 4);
}

static int agree(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	const struct matter *m = &matters[a->matter];
	cast k;
	cast_of(d, i, &k);
	/* A third is fulfilled on the spot; the rest within two months. */
	bool now = demo_rnd_chance(&a->rng, 0.3);
	a->fulfil_by = local_midnight(a->t) + (now ? 0 : demo_rnd_int(&a->rng, 7, 60)) * DAY;
	char by[16], *terms = expand(m->terms, &k);
	date_of(a->fulfil_by, by);
	int rc = act(c, d, a, NULL,
		     json_pack("{s:s, s:s, s:s, s:s}", "action", "agree", "terms", terms,
			       "fulfil_by", by, "fulfil_how", now ? "当场履行" : m->how),
		     e);
	free(terms);
	if (a->fulfil_by - a->t > 35LL * DAY && demo_rnd_chance(&a->rng, 0.12)) {
		a->flags |= F_CONFIRM;
		a->step = D_CONFIRM;
		a->t = days_later(&a->rng, a->t, 2, 10);
	} else {
		a->step = D_CHECK;
		a->t = check_time(a);
	}
	return rc;
}

static int escalate(store_conn *c, demo_disputes *d, dsim *a, err *e)
{
	int rc = act(c, d, a, NULL,
		     json_pack("{s:s, s:s}", "action", "escalate", "reason",
			       PICK(&a->rng, escalate_reasons)),
		     e);
	if (rc < 0 || reload(c, a, e) < 0)
		return -1;
	a->sessions = (uint8_t)demo_rnd_int(&a->rng, 1, 2);
	if (demo_rnd_chance(&a->rng, 0.5)) {
		a->step = D_INVESTIGATE;
		a->t = days_later(&a->rng, a->t, 1, 3);
	} else {
		next_session(a);
	}
	return 0;
}

static int end_with(store_conn *c, demo_disputes *d, dsim *a, const char *action,
		    const char *reason, err *e)
{
	a->step = !strcmp(action, "fail") ? D_AFTER_FAIL : D_DONE;
	a->t = a->step == D_DONE ? NEVER : days_later(&a->rng, a->t, 1, 5);
	return act(c, d, a, NULL, json_pack("{s:s, s:s}", "action", action, "reason", reason), e);
}

/* The outcome at the holder's level: the village settles most, the county the hardest. */
static int do_decide(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	static const int odds[3][4] = {/* agree, escalate, fail, withdraw */
				       {80, 13, 4, 3},
				       {74, 12, 10, 4},
				       {68, 0, 27, 5}};
	static const int after_breach[4] = {70, 0, 30, 0};
	size_t o = demo_rnd_weighted(&a->rng, a->flags & F_BREACHED ? after_breach : odds[a->level],
				     4);
	if (o == 0)
		return agree(c, d, i, e);
	if (o == 1)
		return escalate(c, d, a, e);
	if (o == 2)
		return end_with(c, d, a, "fail", "经多次调解，双方仍各执己见，调解不成。", e);
	return end_with(c, d, a, "withdraw", "双方自行和解，申请人撤回调解申请。", e);
}

static int do_after_fail(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	const struct matter *m = &matters[a->matter];
	if (!demo_rnd_chance(&a->rng, 0.7))
		return end_with(c, d, a, "withdraw", "申请人表示不再要求调解。", e);
	const char *to = !strcmp(m->type, "labour")	  ? "arbitration"
			 : demo_rnd_chance(&a->rng, 0.85) ? "court"
							  : "petition";
	a->step = D_DONE;
	a->t = NEVER;
	return act(c, d, a, NULL,
		   json_pack("{s:s, s:s, s:s}", "action", "refer", "to", to, "reason",
			     "调解不成，告知当事人依法通过其他途径解决，相关材料一并移送。"),
		   e);
}

static int do_confirm(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	char *court = xasprintf("%s人民法院", demo_units[d->places[a->place].county].name);
	int rc = act(c, d, a, NULL,
		     json_pack("{s:s, s:s}", "action", "apply_confirmation", "court", court), e);
	free(court);
	a->step = D_RULING;
	a->t = days_later(&a->rng, a->t, 3, 10);
	return rc;
}

static int do_ruling(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	const char *ruling = demo_rnd_chance(&a->rng, 0.95) ? "confirmed" : "rejected";
	a->step = D_CHECK;
	a->t = check_time(a);
	return act(c, d, a, NULL,
		   json_pack("{s:s, s:s}", "action", "record_ruling", "ruling", ruling), e);
}

static int do_check(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	cast k;
	cast_of(d, i, &k);
	bool breach = !(a->flags & F_BREACHED) && demo_rnd_chance(&a->rng, 0.07);
	char *note =
		breach ? xasprintf("经回访，%s未按协议约定期限履行，%s要求重新调解。", k.b, k.a)
		       : xasprintf("经回访，%s已按协议履行完毕。", k.b);
	int rc = act(c, d, a, NULL,
		     json_pack("{s:s, s:b, s:s}", "action", "check_fulfilment", "fulfilled",
			       !breach, "note", note),
		     e);
	free(note);
	if (breach) {
		a->flags |= F_BREACHED;
		a->sessions = 1;
		a->step = D_SESSION;
		a->t = days_later(&a->rng, a->t, 2, 7);
	} else if (demo_rnd_chance(&a->rng, 0.25)) {
		a->step = D_REVISIT;
		a->t = days_later(&a->rng, a->t, 3, 30);
	} else {
		a->step = D_DONE;
		a->t = NEVER;
	}
	return rc;
}

static int do_revisit(store_conn *c, demo_disputes *d, size_t i, err *e)
{
	dsim *a = &d->v[i];
	static const char *const levels[] = {"satisfied", "basically_satisfied", "dissatisfied"};
	static const int w[] = {85, 12, 3};
	a->step = D_DONE;
	a->t = NEVER;
	return act(c, d, a, NULL,
		   json_pack("{s:s, s:s, s:s}", "action", "revisit", "notes",
			     "回访双方当事人，协议已履行，双方关系融洽，对调解工作表示满意。",
			     "satisfaction", levels[demo_rnd_weighted(&a->rng, w, 3)]),
		   e);
}

typedef int (*step_fn)(store_conn *c, demo_disputes *d, size_t i, err *e);

/* The steps, by enum dstep. */
static const step_fn steps[] = {
	[D_REGISTER] = do_register,	  [D_URGE] = do_urge,
	[D_INVESTIGATE] = do_investigate, [D_PLAN] = do_plan,
	[D_SESSION] = do_session,	  [D_DECIDE] = do_decide,
	[D_AFTER_FAIL] = do_after_fail,	  [D_CONFIRM] = do_confirm,
	[D_RULING] = do_ruling,		  [D_CHECK] = do_check,
	[D_REVISIT] = do_revisit,
};

/* ---- running beside the appeals ---- */

static bool earlier(const demo_disputes *d, size_t x, size_t y)
{
	return d->v[x].t < d->v[y].t || (d->v[x].t == d->v[y].t && x < y);
}

static void heap_push(demo_disputes *d, size_t i)
{
	size_t k = d->nheap++;
	d->heap[k] = i;
	while (k > 0 && earlier(d, d->heap[k], d->heap[(k - 1) / 2])) {
		size_t p = (k - 1) / 2, tmp = d->heap[p];
		d->heap[p] = d->heap[k];
		d->heap[k] = tmp;
		k = p;
	}
}

static size_t heap_pop(demo_disputes *d)
{
	size_t top = d->heap[0];
	d->heap[0] = d->heap[--d->nheap];
	for (size_t k = 0;;) {
		size_t l = 2 * k + 1, m = k;
		if (l < d->nheap && earlier(d, d->heap[l], d->heap[m]))
			m = l;
		if (l + 1 < d->nheap && earlier(d, d->heap[l + 1], d->heap[m]))
			m = l + 1;
		if (m == k)
			break;
		size_t tmp = d->heap[m];
		d->heap[m] = d->heap[k];
		d->heap[k] = tmp;
		k = m;
	}
	return top;
}

static void rebuild_heap(demo_disputes *d)
{
	d->nheap = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].t != NEVER)
			heap_push(d, i);
}

/* Every event before t, in time order (an event never plans its successor earlier). */
static int beside_until(store_conn *c, int64_t t, void *ctx, err *e)
{
	demo_disputes *d = ctx;
	while (d->nheap && d->v[d->heap[0]].t < t && d->v[d->heap[0]].t <= d->end) {
		size_t i = heap_pop(d);
		dsim *a = &d->v[i];
		int64_t at = a->t;
		d->dirty = true;
		clock_override(at);
		if (steps[a->step](c, d, i, e) < 0)
			return -1;
		if (a->step == D_DONE)
			a->t = NEVER;
		else if (a->t <= at)
			a->t = at + MINUTE;
		if (a->t != NEVER)
			heap_push(d, i);
	}
	return 0;
}

static void beside_begin(void *ctx)
{
	demo_disputes *d = ctx;
	if (!d->dirty)
		return;
	memcpy(d->v, d->saved, d->n * sizeof *d->v);
	rebuild_heap(d);
	d->dirty = false;
}

static void beside_commit(void *ctx)
{
	demo_disputes *d = ctx;
	if (d->dirty)
		memcpy(d->saved, d->v, d->n * sizeof *d->v);
	d->dirty = false;
}

void demo_disputes_close(demo_disputes *d)
{
	if (!d)
		return;
	free(d->v);
	free(d->saved);
	free(d->heap);
	free(d->places);
	free(d->meds);
	free(d);
}

int demo_disputes_open(store *s, const int64_t *unit_ids, int64_t end, demo_disputes **out,
		       demo_beside *beside, err *e)
{
	*out = NULL;
	const char *skip = getenv("YIWANG_DEMO_DISPUTES");
	if (skip && !strcmp(skip, "0"))
		return 0;
	demo_disputes *d = xcalloc(1, sizeof *d);
	d->s = s;
	d->unit_ids = unit_ids;
	d->end = end;
	d->start = end - 365LL * DAY;
	d->meds = xcalloc(demo_units_count, sizeof *d->meds);
	find_places(d);
	plan(d);
	d->saved = xcalloc(d->n + 1, sizeof *d->saved);
	memcpy(d->saved, d->v, d->n * sizeof *d->v);
	d->heap = xcalloc(d->n + 1, sizeof *d->heap);
	rebuild_heap(d);
	if (store_write(s, tx_actors, d, e) < 0) {
		demo_disputes_close(d);
		return -1;
	}
	*beside = (demo_beside){beside_until, beside_begin, beside_commit, d};
	*out = d;
	return 0;
}
