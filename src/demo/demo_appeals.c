/*
 * A year of Fuxin's hotline for the demo.
 *
 * Two passes. First a plan: for every day from 1 December of last year until now, how
 * many appeals arrive (a northeastern city's hotline: winter doubles it and heating is
 * half of it from November to March), at what hour, about what (a matter template:
 * category, type, title and text), where (a place weighted by population and by how much
 * its people use the hotline), through which channel and from whom. Then a simulation:
 * each appeal is a small state machine whose next event (dispatch, sign, return,
 * extension, reply, review, revisit, reopen, merge, urge...) has a time; the events of
 * all appeals run in time order through appeal_intake and appeal_act with clock_override
 * set to the event's time, in one write transaction per two demo days, and between them
 * the scheduler's deadline pass runs as it would have (overdue flags, automatic urges,
 * notifications, SMS). Events that fall after now do not happen, so the last days'
 * appeals stay open in whatever state they have reached.
 *
 * The simulation is a pure function of the plan and the database's answers, and every
 * appeal carries its own random state, so a write transaction that has to run again
 * (PostgreSQL retries) first restores the appeals it had changed from an undo log.
 *
 * Streets are real streets of the districts; residential compounds, callers, phone
 * numbers and companies are made up ("某公司" where a real name would accuse someone).
 */
#include "demo/demo_appeals.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org/actor.h"
#include "appeals/appeal.h"
#include "appeals/appeal_admin.h"
#include "org/auth.h"
#include "engine/calendar.h"
#include "engine/case.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "demo/demo_data.h"
#include "engine/jobs.h"
#include "engine/outbox.h"
#include "org/unit.h"
#include "org/user.h"

enum {
	MINUTE = 60000,
	HOUR = 60 * MINUTE,
	DAY = 24 * HOUR,
	CST = 8 * HOUR,
	/* A write transaction holds PASS_DAYS demo days' events, up to PASS_HOUR (China
	 * time), when offices have closed; the scheduler's pass follows it. Late signs and
	 * replies are planned past the next pass, so that it sees their deadline go by. */
	PASS_HOUR = 18,
	PASS_DAYS = 2,
	/* Hotline agents dispatch, review and call back from 8:00 to 20:00 every day. */
	AGENT_FROM = 8,
	AGENT_TO = 20,
};

/* ---- a deterministic random source: xorshift64*, one state per appeal ---- */

static uint64_t rnd_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* A well-mixed non-zero seed from any number (splitmix64's finaliser). */
static uint64_t rnd_seed(uint64_t v)
{
	v += 0x9E3779B97F4A7C15ULL;
	v = (v ^ (v >> 30)) * 0xBF58476D1CE4E5B9ULL;
	v = (v ^ (v >> 27)) * 0x94D049BB133111EBULL;
	v ^= v >> 31;
	return v ? v : 1;
}

static double rnd_unit(uint64_t *s)
{
	return (double)(rnd_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* An integer in [lo, hi]. */
static int64_t rnd_int(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd_unit(s) * (double)(hi - lo + 1));
}

static bool rnd_chance(uint64_t *s, double p)
{
	return rnd_unit(s) < p;
}

static size_t rnd_weighted(uint64_t *s, const int *w, size_t n)
{
	int total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i];
	int x = (int)rnd_int(s, 0, total - 1);
	for (size_t i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* One of the '|'-separated words of list, into out. */
static void rnd_word(uint64_t *s, const char *list, char *out, size_t n)
{
	int count = 1;
	for (const char *p = list; *p; p++)
		count += *p == '|';
	int k = (int)rnd_int(s, 0, count - 1);
	const char *p = list;
	while (k-- > 0)
		p = strchr(p, '|') + 1;
	const char *end = strchr(p, '|');
	size_t len = end ? (size_t)(end - p) : strlen(p);
	snprintf(out, n, "%.*s", (int)len, p);
}

/* ---- where appeals come from ---- */

/* A place an appeal is about: a demo unit (a community, a village, a street or town),
 * its weight (population and hotline use: the city districts call far more than the
 * villages), and its kind: 'u' a city neighbourhood with real streets, 't' a town or
 * district seat whose compounds we name without a street, 'r' countryside. */
static const struct place {
	const char *unit;
	int weight;
	char kind;
	const char *streets;
} places[] = {
	/* 海州区 */
	{"zq_xinhua", 4, 'u', "解放大街|中华路"},
	{"zq_zhanqian", 3, 'u', "振兴路|中华路"},
	{"zq_jiefang", 3, 'u', "解放大街|人民大街"},
	{"zq_tielu", 2, 'u', "振兴路|人民大街"},
	{"zq_guangming", 2, 'u', "中华路|人民大街"},
	{"hp_heping", 2, 'u', "中华路|解放大街"},
	{"hp_zhonghua", 2, 'u', "中华路|人民大街"},
	{"hp_renmin", 2, 'u', "人民大街|解放大街"},
	{"xs_xishan", 2, 'u', "矿工大街|西山路"},
	{"xs_binhe", 2, 'u', "滨河路|矿工大街|开源路"},
	{"hb_hebei", 2, 'u', "解放大街|矿工大街"},
	{"hb_tuanjie", 1, 'u', "解放大街"},
	{"wl_wulong", 2, 'u', "中华路|矿工大街"},
	{"wl_xingfu", 1, 'u', "矿工大街"},
	{"pa_pingan", 1, 'u', "矿工大街|振兴路"},
	{"pa_xingye", 1, 'u', "振兴路"},
	{"dongwafang", 1, 'r', NULL},
	{"hjd_hanjiadian", 1, 'r', NULL},
	/* 细河区 */
	{"yx_yuxin", 4, 'u', "中华路|迎宾大街"},
	{"yx_zhongxing", 3, 'u', "迎宾大街|中华路"},
	{"yl_yulong", 4, 'u', "玉龙路|迎宾大街"},
	{"yl_huadong", 4, 'u', "华东路|玉龙路"},
	{"yufeng", 3, 'u', "中华路|华东路"},
	{"sh_sihe", 2, 'r', NULL},
	/* 太平区 */
	{"hs_hongshu", 3, 'u', "红树路|太平大街"},
	{"hs_yangguang", 2, 'u', "红树路|煤城路"},
	{"gaode", 2, 'u', "繁荣大街|太平大街"},
	{"sjw_sunjiawan", 2, 'u', "煤城路"},
	{"sq_shuiquan", 1, 'r', NULL},
	/* 新邱区 */
	{"jj_jieji", 2, 'u', "新邱大街|文明路"},
	{"jj_xinxing", 2, 'u', "新邱大街"},
	{"xinfatun", 1, 't', NULL},
	{"cyz_changyingzi", 1, 'r', NULL},
	/* 清河门区 */
	{"qh_qinghe", 2, 't', NULL},
	{"qh_dongshan", 1, 't', NULL},
	{"xinbei", 1, 't', NULL},
	{"hx_hexi", 1, 'r', NULL},
	{"wlb_wulongba", 1, 'r', NULL},
	/* 阜新蒙古族自治县 */
	{"fm_chengqu", 5, 't', NULL},
	{"fm_fuxin_v1", 2, 'r', NULL},
	{"fm_dongliang_v1", 2, 'r', NULL},
	{"fm_daba_v1", 1, 'r', NULL},
	{"fm_yimatu", 1, 'r', NULL},
	{"fm_wangfu", 1, 'r', NULL},
	{"fm_dawujiazi", 1, 'r', NULL},
	{"fm_shijiazi", 1, 'r', NULL},
	{"fm_zhaoshugou", 1, 'r', NULL},
	{"fm_jiumiao", 1, 'r', NULL},
	{"fm_fosi", 1, 'r', NULL},
	/* 彰武县 */
	{"zw_zhangwu", 5, 't', NULL},
	{"zw_zhangwu_minle", 1, 'r', NULL},
	{"zw_haertao_v1", 2, 'r', NULL},
	{"zw_zhanggutai_v1", 1, 'r', NULL},
	{"zw_wufeng", 1, 'r', NULL},
	{"zw_fengjia", 1, 'r', NULL},
	{"zw_sihecheng", 1, 'r', NULL},
};
enum { NPLACES = sizeof places / sizeof places[0] };

/* County seats (for the coordinates an app sends), by county key. */
static const struct county_seat {
	const char *county;
	double lat, lon;
} seats[] = {
	{"haizhou", 42.0132, 121.6563}, {"xinqiu", 42.0876, 121.7925},
	{"taiping", 42.0106, 121.6785}, {"qinghemen", 41.7831, 121.4161},
	{"xihe", 42.0255, 121.6805},	{"fumeng", 42.0652, 121.7579},
	{"zhangwu", 42.3865, 122.5388},
};

/* Residential compounds (made up). Each place owns a few of them. */
static const char *const compounds[] = {
	"矿工小区",   "福园小区", "阳光家园",	"新华小区", "金地花园", "鑫城佳苑",   "和谐家园",
	"龙城名苑",   "锦绣华城", "幸福里小区", "建设小区", "电厂小区", "煤城花园",   "铁路小区",
	"学府佳园",   "西山小区", "光明小区",	"民族小区", "广厦小区", "滨河花园",   "富丽华庭",
	"中央华府",   "御景豪庭", "华泰小区",	"红旗小区", "新兴小区", "长青园小区", "瑞祥小区",
	"玉龙湾小区", "胜利小区", "东苑小区",	"翠湖园",   "盛世家园", "康乐小区",   "春华小区",
	"温馨家园",   "丽景花园", "安居小区",	"北苑小区", "惠民小区", "金色家园",   "龙湖湾小区",
};
enum { NCOMPOUNDS = sizeof compounds / sizeof compounds[0], COMPOUNDS_PER_PLACE = 5 };

static const char *const surnames =
	"王|李|张|刘|陈|杨|赵|黄|周|吴|徐|孙|马|朱|胡|郭|何|高|林|罗|郑|梁|谢|宋|唐|许|韩|"
	"冯|邓|曹|彭|曾|肖|田|董|袁|潘|于|蒋|蔡|杜|程|苏|魏|吕|丁|任|沈|姚|卢|姜|崔|谭|陆|"
	"范|金|石|贾|付|方|白|邹|孟|秦|江|尹|薛|闫|段|侯|史|陶|贺|顾|毛|郝|邵|包|佟|关|那";

static const char *const companies =
	"某建筑工程公司|某劳务分包公司|某装饰工程公司|某物流公司|某保安服务公司|"
	"某餐饮公司|某房地产开发公司|某市政工程公司|某家政服务公司|某汽车修理厂";

static const char *const shops =
	"某超市|某家电商场|某健身房|某美容店|某教育培训机构|某药店|某电动车专卖店|"
	"某家具城|某手机店|某服装店|某农资店|某饭店";

/* ---- what appeals are about ---- */

/* Month masks: bit m-1 for month m. */
#define M_ALL 0x0FFF
#define M_WINTER 0x0C07 /* November to March: the heating season */
#define M_HEAT 0x0E07	/* October (pressure tests, opening) to March */
#define M_SNOW 0x0807	/* December to March */
#define M_SUMMER 0x01E0 /* June to September */
#define M_BURN 0x060C	/* March, April, October, November: burning straw */
#define M_SCHOOL 0x01E0
#define M_OFF 0x03F8 /* April to October */

/* A matter as callers put it: its category code, type, where it happens ('u' towns and
 * cities, 'r' countryside, 'a' anywhere), in which months, how often, the chance (%) it is
 * urgent, and its title and text. {X} slots: C compound, S street (or town), B building,
 * U entrance, R flat, T room temperature, D days, N a small count, Q a floor, M an amount
 * of wages, K months, Y a small amount, F floor area, W a company, P a shop, V village or
 * town, X district or county. */
static const struct matter {
	const char *cat, *type;
	char where;
	uint16_t months;
	uint8_t weight, urgent;
	const char *title, *content;
} matters[] = {
	/* 供暖：室温不达标 */
	{"heating_cold", "complaint", 'u', M_WINTER, 10, 2, "{C}{B}号楼室温不达标",
	 "{C}{B}号楼{U}单元{R}室，室温只有{T}"
	 "度，家里有八十多岁的老人，晚上冻得睡不着觉，希望供热公司尽快上门处理。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 10, 0, "{C}暖气不热",
	 "今年开栓以后暖气一直温乎乎的，屋里只有{T}度，在家得穿棉袄，给热力公司打了{N}"
	 "次电话都说在排查，到现在也没人来看。地址：{C}{B}号楼{U}单元{R}室。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 8, 0, "{C}{B}号楼整栋楼供热不好",
	 "{C}{B}号楼整栋楼暖气都不热，楼下还行，{Q}楼以上只有{T}度左右，已经{D}"
	 "天了，邻居们都在反映，请相关部门督促供热企业解决。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 6, 0, "暖气回水管不热",
	 "家住{S}{C}，暖气只有进水管热，回水管是凉的，室温{T}度，怀疑管道堵了，请派人检修。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 6, 0, "{C}暖气上热下凉",
	 "{C}{B}号楼{R}"
	 "室暖气片上面热下面凉，物业给放过气了还是不行，孩子在家写作业冻得手都僵了，屋里{T}度。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 5, 0, "顶层边户室温低",
	 "住{C}{B}号楼顶层边户，外墙没有保温，屋里只有{T}"
	 "度，墙角都挂霜了，年年都这样，请求核查供热效果并给予解决。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 5, 0, "{C}供热温度不达标要求测温",
	 "{C}今年供热明显不如往年，家里用温度计量了是{T}"
	 "度，国家标准不是18度吗？要求供热企业上门测温，不达标要退费。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 5, 3, "{C}暖气时冷时热",
	 "{C}{B}号楼暖气时冷时热，白天还行，后半夜就凉了，早上起来屋里只有{T}"
	 "度，家里有刚满月的孩子。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 5, 0, "供热站与物业互相推诿",
	 "今年交了供暖费，{C}{B}号楼{U}单元{R}室暖气一直不热，室温{T}"
	 "度，供热站说是单元阀门的问题让找物业，物业又让找供热站，来回推诿没人管。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 3, 0, "{S}平房区供热效果差",
	 "{S}附近平房区集中供热效果差，家里温度{T}度，老人冻感冒了，请求解决。"},
	{"heating_cold", "complaint", 'u', M_WINTER, 4, 0, "{C}{B}号楼{U}单元暖气不热",
	 "{C}{B}号楼{U}单元从{N}楼往上暖气都不热，室温{T}"
	 "度上下，这个单元年年不热，请供热企业彻底查一查。"},
	/* 供暖：暖气漏水 */
	{"heating_leak", "complaint", 'u', M_HEAT, 6, 40, "楼上暖气漏水",
	 "楼上暖气漏水泡了我家天花板，{C}{B}号楼{U}单元{R}"
	 "室，楼上家里没人，联系不上，水还在往下滴，请求紧急处理。"},
	{"heating_leak", "complaint", 'u', M_HEAT, 4, 10, "{C}楼道暖气管道漏水",
	 "{C}{B}号楼单元门口暖气管道漏水，地面全是冰，老人孩子出门容易滑倒，已经漏了{D}天了。"},
	{"heating_leak", "complaint", 'u', M_HEAT, 3, 50, "家中暖气片爆裂",
	 "家里暖气片突然爆了，屋里地面全是热水，已经关了进户阀门，地址是{C}{B}号楼{R}"
	 "室，请供热公司马上来人。"},
	{"heating_leak", "complaint", 'u', M_HEAT, 3, 30, "{C}地下室暖气管线漏水",
	 "{C}{B}号楼地下室暖气主管线漏水，地下室积水很深，冒着热气，楼里暖气都不热了。"},
	{"heating_leak", "complaint", 'u', M_HEAT, 3, 0, "暖气进户阀门漏水",
	 "{C}{B}号楼{U}单元{R}"
	 "室暖气进户阀门一直往下滴水，找物业说不归他们管，请供热企业来人维修。"},
	{"heating_leak", "complaint", 'u', 0x0200, 6, 20, "供暖试水时家中漏水",
	 "供热公司打压试水，{C}{B}号楼{R}室家里没人，暖气漏水把楼下淹了，请求协调处理维修和赔偿。"},
	/* 供暖：收费 */
	{"heating_fee", "inquiry", 'u', M_HEAT, 5, 0, "咨询供暖费收费标准",
	 "咨询今年{X}住宅供暖费收费标准是多少，家里住房面积{F}平方米，有没有优惠政策。"},
	{"heating_fee", "inquiry", 'u', M_HEAT, 4, 0, "咨询空置房停供",
	 "房子一直空着没人住，想咨询能不能办理停供，停供需要交多少基础热费，去哪里办理。"},
	{"heating_fee", "complaint", 'u', M_ALL, 3, 0, "暖气不达标要求退费",
	 "{C}{B}号楼上个采暖期暖气一直不达标，室温{T}度左右，要求供热公司按规定退还部分供暖费。"},
	{"heating_fee", "complaint", 'u', M_HEAT, 3, 0, "交暖气费被要求捆绑交物业费",
	 "去交暖气费时，被要求必须先交清以前的物业费才给开栓，这合理吗？地址是{C}。"},
	{"heating_fee", "inquiry", 'u', M_ALL, 2, 0, "咨询供暖费发票",
	 "交了供暖费一直没给开发票，单位报销需要，咨询去哪里开具。"},
	{"heating_fee", "inquiry", 'u', M_HEAT, 3, 0, "咨询低保户供暖补贴",
	 "家里是低保户，咨询今年供暖补贴怎么申请、需要准备什么材料。"},
	/* 供暖：其他 */
	{"heating", "complaint", 'u', M_HEAT, 3, 0, "{C}{B}号楼交费后未开栓",
	 "{C}{B}号楼{R}室今年交完费到现在还没给开栓，屋里冰凉，打电话一直说排队。"},
	{"heating", "complaint", 'u', M_ALL, 2, 0, "换热站噪音扰民",
	 "{C}旁边的换热站晚上噪音很大，嗡嗡响，影响休息，希望采取降噪措施。"},
	{"heating", "complaint", 'u', M_OFF, 2, 0, "供热管网施工后路面未恢复",
	 "{S}供热管网改造施工结束{D}天了，挖开的路面一直没恢复，车辆行人通行困难。"},
	{"heating", "inquiry", 'u', 0x0600, 2, 0, "咨询能否提前供暖",
	 "这几天降温了，屋里很冷，咨询今年{X}能不能提前供暖。"},
	{"heating", "praise", 'u', M_WINTER, 1, 0, "表扬供热维修人员",
	 "前几天反映{C}{B}号楼暖气不热，维修师傅冒着大雪上门，把管道清洗了，现在屋里{H}"
	 "度，特别感谢！"},
	{"heating", "suggestion", 'u', M_HEAT, 1, 0, "建议老旧小区加装外墙保温",
	 "{C}"
	 "是九十年代的老楼，外墙没有保温，供热再好屋里也不暖和，建议纳入老旧小区改造加装外墙保温"
	 "。"},

	/* 供水 */
	{"water_outage", "complaint", 'u', M_ALL, 6, 10, "{C}突然停水",
	 "{C}从今天早上就停水了，没有任何通知，家里有老人孩子，做饭都没有水，请问什么时候恢复。"},
	{"water_outage", "complaint", 'u', M_ALL, 4, 0, "{C}频繁停水",
	 "{C}{B}号楼最近一周停了{N}次水，每次都没有提前通知，给生活造成很大不便。"},
	{"water_outage", "complaint", 'u', M_ALL, 3, 0, "{C}{B}号楼水压低",
	 "{C}{B}号楼{Q}楼以上白天水压低，水上不来，洗衣机都用不了。"},
	{"water_outage", "inquiry", 'a', M_ALL, 3, 0, "咨询停水原因",
	 "咨询{S}一带今天停水是什么原因，什么时候能来水。"},
	{"water_outage", "complaint", 'r', M_ALL, 5, 10, "{V}自来水不通",
	 "{V}自来水已经{D}天不来水了，村民只能去别的村拉水，请求尽快维修。"},
	{"water_outage", "complaint", 'u', M_SNOW, 4, 10, "进户水管冻裂停水",
	 "{C}{B}号楼进户水管冻裂，整个单元停水{D}天了，物业说没有配件，请求协调解决。"},
	{"water_quality", "complaint", 'u', M_ALL, 3, 0, "自来水发黄有铁锈味",
	 "{C}家里自来水放出来发黄，有铁锈味，放一会儿才清，担心水质有问题，请求检测。"},
	{"water_quality", "complaint", 'a', M_ALL, 2, 0, "自来水有异味",
	 "最近{S}一带的自来水有一股消毒水味，烧开后壶底水垢很多，请求水务部门检测水质。"},
	{"water_quality", "complaint", 'u', M_ALL, 2, 0, "二次供水水箱长期不清洗",
	 "{C}二次供水水箱好几年没清洗了，水里有杂质，请相关部门督促清洗。"},
	{"water", "complaint", 'a', M_ALL, 2, 0, "水费计量异常",
	 "家里这个月水费突然比平时多了好几倍，家里就两口人，怀疑水表有问题，请求校验。"},
	{"water", "complaint", 'a', M_ALL, 3, 20, "{S}供水管道漏水",
	 "{S}路边供水管道漏水，水流到马路上，冬天结冰很危险，请尽快维修。"},
	{"water", "inquiry", 'a', M_ALL, 2, 0, "咨询新房开通自来水手续",
	 "咨询新买的房子开通自来水需要办理什么手续，去哪里办。"},

	/* 物业管理 */
	{"property", "complaint", 'u', M_ALL, 5, 0, "{C}物业只收费不服务",
	 "{C}物业只收费不服务，楼道垃圾好几天没人清，单元门坏了一个多月也不修。"},
	{"property", "complaint", 'u', M_ALL, 4, 15, "{C}{B}号楼电梯频繁故障",
	 "{C}{B}号楼电梯经常坏，这周已经停了{N}次，楼里老人上下楼很困难，物业一直拖着不修。"},
	{"property", "complaint", 'u', M_ALL, 3, 0, "物业擅自上调物业费",
	 "{C}物业没有经过业主大会同意就上调物业费，请求相关部门核查。"},
	{"property", "complaint", 'u', M_ALL, 3, 0, "小区车辆乱停堵塞消防通道",
	 "{C}小区内车辆乱停乱放，消防通道被堵死，物业不管理，出了事怎么办。"},
	{"property", "complaint", 'u', M_ALL, 3, 0, "楼道照明长期损坏",
	 "{C}{B}号楼{U}单元楼道灯坏了两个多月，晚上上下楼很危险，找物业不给修。"},
	{"property", "help", 'u', M_ALL, 3, 0, "弃管小区无人管理",
	 "{C}是弃管小区，没有物业，垃圾没人清运，下水道经常堵，请求社区协调解决。"},
	{"property", "complaint", 'u', M_ALL, 2, 0, "物业以门禁卡强制收费",
	 "{C}物业用不交物业费就不给办门禁卡的方式强制收费，是否合理。"},
	{"property", "complaint", 'u', M_ALL, 3, 10, "化粪池满溢污水外流",
	 "{C}{B}号楼化粪池满了，污水冒到路面上，臭味很大，物业不处理。"},
	{"property", "complaint", 'u', M_WINTER, 2, 0, "小区内积雪无人清理",
	 "{C}下雪好几天了，小区里的路没人扫，物业说人手不够，老人出门摔倒了。"},

	/* 房屋建筑 */
	{"housing", "complaint", 'u', M_SUMMER, 4, 0, "顶楼房顶漏雨",
	 "{C}{B}号楼顶楼房顶漏雨，屋里墙皮都泡掉了，找开发商找物业都不管，请求维修。"},
	{"housing", "inquiry", 'u', M_ALL, 3, 0, "咨询老旧小区改造进度",
	 "{C}列入老旧小区改造名单一年多了，到现在还没开工，咨询什么时候改造。"},
	{"housing", "complaint", 'u', M_ALL, 2, 30, "外墙保温层脱落",
	 "{C}{B}号楼外墙保温层脱落，大块往下掉，底下是人行道，存在安全隐患。"},
	{"housing", "complaint", 'u', M_ALL, 3, 0, "入住多年办不下房产证",
	 "{C}入住{K}年了一直办不下房产证，开发商一直拖，请求帮助解决。"},
	{"housing", "complaint", 'u', M_ALL, 2, 0, "棚改回迁房逾期未交付",
	 "棚户区改造回迁房到期{K}个月了还没回迁，一直在外租房，开发商也不给答复。"},
	{"housing", "complaint", 'a', M_ALL, 2, 20, "楼体出现裂缝",
	 "{C}{B}号楼楼体出现裂缝，墙面裂了好几道，担心是危房，请求有关部门鉴定。"},

	/* 道路交通 */
	{"roads", "complaint", 'u', M_ALL, 4, 0, "{S}路面坑洼积水",
	 "{S}路面坑坑洼洼，下雨全是积水，车辆经过溅行人一身泥，请求修补。"},
	{"roads", "complaint", 'u', M_ALL, 3, 30, "人行道井盖破损",
	 "{S}{C}附近人行道上有个井盖破损塌陷，晚上很容易摔伤人，请尽快处理。"},
	{"roads", "complaint", 'r', M_ALL, 5, 0, "{V}村路损坏",
	 "{V}通往镇里的水泥路坏了好几段，农用车都过不去，请求维修。"},
	{"roads", "suggestion", 'u', M_ALL, 2, 0, "建议增加公交车次",
	 "建议增加{S}方向的公交车次，早晚高峰等车要半个多小时。"},
	{"roads", "complaint", 'u', M_ALL, 2, 20, "{S}路口信号灯故障",
	 "{S}路口红绿灯坏了，车辆和行人抢行，很危险，请尽快修复。"},
	{"roads", "complaint", 'u', M_ALL, 2, 0, "出租车拒载加价",
	 "在{S}打车，出租车司机拒载，还要求拼车加价，车牌号已记下，请求查处。"},
	{"roads", "inquiry", 'r', M_ALL, 2, 0, "咨询农村客运班车",
	 "咨询{V}到县城的客车是不是停运了，村民出行很不方便。"},
	{"roads", "complaint", 'a', 0x0018, 3, 0, "开春后道路翻浆",
	 "开春化冻以后{S}一段路面翻浆，车陷进去好几辆，请求尽快处理。"},

	/* 环境卫生 */
	{"sanitation", "complaint", 'u', M_ALL, 5, 0, "垃圾清运不及时",
	 "{C}门口垃圾箱满了好几天没人清运，臭味很大，招苍蝇老鼠。"},
	{"sanitation", "complaint", 'u', M_SNOW, 6, 10, "{S}人行道积雪未清",
	 "{S}下雪{D}天了人行道上积雪结冰还没清理，老人出门摔倒好几个了。"},
	{"sanitation", "complaint", 'u', M_ALL, 4, 0, "{S}占道经营",
	 "{S}{C}门口每天早上占道摆摊卖菜，堵得车过不去，垃圾扔一地。"},
	{"sanitation", "report", 'u', M_ALL, 3, 0, "一楼住户私搭乱建",
	 "{C}{B}号楼一楼住户私自扩建院子，占用公共绿地，请求城管查处。"},
	{"sanitation", "complaint", 'u', M_OFF, 4, 0, "工地夜间施工噪音扰民",
	 "{S}附近的工地夜里十一点以后还在施工，噪音太大，影响休息。"},
	{"sanitation", "complaint", 'u', M_ALL, 2, 0, "公厕长期锁门",
	 "{S}附近的公厕长期锁门，周边群众和摆摊的如厕困难。"},
	{"sanitation", "complaint", 'u', M_SUMMER, 4, 0, "露天烧烤油烟扰民",
	 "{S}{C}楼下的烧烤摊每天营业到后半夜，油烟和噪音扰民。"},
	{"sanitation", "complaint", 'u', M_ALL, 2, 0, "楼道小广告泛滥",
	 "{C}楼道和单元门上贴满了小广告，请求清理并查处。"},
	{"sanitation", "complaint", 'r', M_ALL, 2, 0, "{V}垃圾堆放无人清理",
	 "{V}村口堆了很多生活垃圾，好长时间没人清运，夏天味道很大。"},

	/* 市场秩序 */
	{"market", "complaint", 'a', M_WINTER, 3, 0, "羽绒服质量问题商家拒绝退换",
	 "在{P}买的羽绒服穿了一周就跑绒，商家拒绝退换。"},
	{"market", "complaint", 'a', M_ALL, 4, 0, "预付卡商家关门无法退款",
	 "在{P}办了{Y}0元的会员卡，现在店铺关门了，老板联系不上，请求帮助退款。"},
	{"market", "complaint", 'a', M_ALL, 3, 0, "明码标价与结算价格不一致",
	 "{P}货架标价和结账价格不一致，多收钱，要求查处。"},
	{"market", "complaint", 'a', M_ALL, 3, 0, "电动车电池质量问题",
	 "在{P}买的电动车不到一个月电池就坏了，商家不给保修。"},
	{"market", "complaint", 'a', M_ALL, 3, 0, "农贸市场缺斤短两",
	 "{S}农贸市场有摊位缺斤短两，买二斤肉少了三两多。"},
	{"market", "complaint", 'r', 0x0018, 2, 0, "购买假种子",
	 "在{V}{P}买的玉米种子出苗率很低，怀疑是假种子，请求查处。"},
	/* 食品安全 */
	{"food", "complaint", 'a', M_ALL, 3, 0, "超市销售过期食品",
	 "在{P}买的牛奶已经过期{N}天了，还在货架上卖，要求处理。"},
	{"food", "complaint", 'u', M_ALL, 3, 0, "饭店就餐后腹泻",
	 "在{S}一家饭店吃饭后全家腹泻，怀疑食品不卫生，请求检查。"},
	{"food", "report", 'a', M_ALL, 2, 0, "小作坊无证生产",
	 "{S}有一家小作坊无证生产豆腐，卫生条件很差。"},
	{"food", "complaint", 'u', M_ALL, 2, 0, "学校周边销售三无食品",
	 "{S}学校附近小卖部卖三无辣条，孩子吃完肚子疼。"},
	/* 医疗服务 */
	{"medical", "complaint", 'u', M_ALL, 3, 0, "急诊服务态度差",
	 "带孩子在{X}一家医院看急诊，值班医生态度恶劣，等了两个多小时没人管。"},
	{"medical", "inquiry", 'a', M_ALL, 3, 0, "咨询异地就医备案",
	 "咨询去外地看病医保报销需要办理什么备案手续，能不能在手机上办。"},
	{"medical", "complaint", 'a', M_ALL, 2, 0, "诊所收费不合理",
	 "在{S}一家诊所看病被收了不合理费用，开的药比药店贵一倍多。"},
	{"medical", "inquiry", 'a', M_ALL, 2, 0, "咨询儿童疫苗接种",
	 "咨询孩子接种疫苗需要去哪个社区卫生服务中心，要不要提前预约。"},
	{"medical", "suggestion", 'u', M_ALL, 1, 0, "建议增加专家号源",
	 "医院专家号太难挂，网上一放号就没了，建议增加号源。"},
	/* 劳动工资 */
	{"wages", "complaint", 'a', M_ALL, 5, 10, "拖欠农民工工资",
	 "在{W}承建的工地干活，被拖欠{K}个月工资共{M}元，包工头联系不上，请求帮助讨薪。"},
	{"wages", "complaint", 'a', M_ALL, 4, 0, "离职后单位拖欠工资",
	 "原单位{W}拖欠工资{M}元，离职{K}个月了一直不给结算。"},
	{"wages", "complaint", 'a', M_ALL, 2, 0, "单位不签劳动合同不交社保",
	 "在{W}工作一年多了，单位不签劳动合同也不给交社保。"},
	{"wages", "complaint", 'a', M_ALL, 2, 0, "辞职后被克扣工资",
	 "{P}老板以各种理由克扣工资，辞职后拒绝支付最后一个月工资。"},
	{"wages", "complaint", 'a', M_ALL, 2, 0, "工伤不予申报",
	 "在{W}干活时受伤，单位不给申报工伤，也不给医药费。"},
	{"wages", "complaint", 'a', 0x0C03, 4, 30, "多名工人被拖欠工资",
	 "我们十多名工人在{S}的{W}项目干活，被拖欠工资共计{M}元，快过年了，请求帮助。"},
	/* 教育 */
	{"education", "inquiry", 'u', 0x00F0, 4, 0, "咨询小学入学",
	 "咨询孩子今年上小学需要准备什么材料，户口和房子不在一个学区怎么办。"},
	{"education", "report", 'u', M_ALL, 2, 0, "培训机构违规办班",
	 "{S}有培训机构违规开班，收费很高，请求查处。"},
	{"education", "complaint", 'a', M_ALL, 2, 0, "学校统一收取资料费",
	 "孩子学校要求统一购买教辅资料，每人收费{Y}元。"},
	{"education", "help", 'r', M_WINTER, 2, 0, "{V}学生上学路远",
	 "{V}的孩子上学要走很远，冬天天黑得早，太冷了，请求协调校车。"},
	{"education", "report", 'u', M_ALL, 2, 0, "学校周末有偿补课",
	 "孩子所在学校周末组织有偿补课，变相收费。"},
	/* 供电 */
	{"power", "complaint", 'u', M_ALL, 3, 0, "{C}频繁停电",
	 "{C}最近经常停电，一停就好几个小时，冰箱里的东西都坏了。"},
	{"power", "complaint", 'r', M_ALL, 3, 0, "{V}电压低",
	 "{V}电压低，晚上灯都是暗的，家电带不动，请求改造线路。"},
	{"power", "report", 'u', M_ALL, 2, 40, "楼上私拉电线给电动车充电",
	 "{C}{B}号楼有住户从楼上私拉电线给电动车充电，存在火灾隐患。"},
	{"power", "inquiry", 'a', M_ALL, 2, 0, "咨询停电原因",
	 "咨询{S}一带今天为什么停电，什么时候来电。"},
	{"power", "complaint", 'a', M_ALL, 2, 40, "路边电线杆倾斜",
	 "{S}路边一根电线杆倾斜，随时有倒塌危险。"},
	/* 生态环境 */
	{"environment", "report", 'u', M_ALL, 3, 0, "工厂夜间排放黑烟",
	 "{S}附近一家工厂晚上偷偷排放黑烟，气味刺鼻，请求检查。"},
	{"environment", "report", 'a', M_WINTER, 3, 0, "燃煤锅炉冒黑烟",
	 "{V}附近一家小锅炉房烧煤冒黑烟，附近住户不敢开窗。"},
	{"environment", "report", 'r', M_BURN, 3, 0, "{V}焚烧秸秆",
	 "{V}有人焚烧秸秆，浓烟很大，影响周边群众。"},
	{"environment", "report", 'u', M_ALL, 2, 0, "细河河道有人倾倒垃圾",
	 "细河{S}段河道里有人倾倒垃圾和污水，气味难闻。"},
	{"environment", "complaint", 'u', M_SUMMER, 2, 0, "商铺空调外机噪音扰民",
	 "{C}旁边的商铺安装的空调外机噪音很大，晚上吵得睡不着。"},
	/* 社会保障 */
	{"social", "inquiry", 'a', M_ALL, 4, 0, "咨询养老金资格认证",
	 "咨询养老金资格认证怎么在手机上办理，家里老人不会操作。"},
	{"social", "inquiry", 'a', M_ALL, 3, 0, "咨询低保申请条件",
	 "家里老人没有收入，咨询申请低保需要什么条件。"},
	{"social", "complaint", 'a', M_ALL, 2, 0, "高龄补贴迟迟未发放",
	 "家里老人今年八十岁了，高龄补贴申请了{K}个月还没发放。"},
	{"social", "inquiry", 'a', 0x0C07, 3, 0, "咨询城乡居民医保缴费",
	 "咨询今年城乡居民医保缴费标准和截止时间，在哪里缴。"},
	{"social", "inquiry", 'a', M_ALL, 2, 0, "咨询社保关系转移",
	 "从外地回阜新工作，咨询社保关系怎么转移接续。"},
	{"social", "complaint", 'a', M_ALL, 2, 0, "残疾人护理补贴未发放",
	 "家里有重度残疾人，护理补贴一直没有发放，请求帮助。"},
	{"social", "help", 'a', M_ALL, 2, 0, "因病致困申请临时救助",
	 "家里老伴住院花了很多钱，生活困难，请求临时救助。"},
	/* 其他 */
	{"other", "complaint", 'u', M_ALL, 3, 10, "流浪犬伤人",
	 "{C}附近流浪狗很多，晚上成群结队，已经咬伤人了。"},
	{"other", "complaint", 'u', M_ALL, 3, 0, "住户养犬不拴绳",
	 "{C}{B}号楼有住户养大型犬，出门不拴绳，孩子都不敢下楼。"},
	{"other", "complaint", 'u', M_ALL, 2, 0, "楼上装修噪音扰民",
	 "{C}{B}号楼楼上住户装修，中午和晚上也施工，噪音太大。"},
	{"other", "inquiry", 'a', M_ALL, 2, 0, "咨询新生儿落户",
	 "咨询孩子上户口需要带哪些材料，去哪里办理。"},
	{"other", "praise", 'a', M_ALL, 1, 0, "感谢热线帮助解决问题",
	 "上次反映的{C}的问题很快就解决了，工作人员态度特别好，感谢8890热线。"},
	{"other", "suggestion", 'u', M_ALL, 1, 0, "建议增设健身器材",
	 "{C}周边没有健身场地，建议在{S}附近的空地增设健身器材。"},
};
enum { NMATTERS = sizeof matters / sizeof matters[0] };

/* Replies of the handling unit: by category code (or its group), resolved or not. */
static const struct reply {
	const char *cat;
	bool resolved;
	const char *text;
} replies[] = {
	{"heating", true,
	 "接诉后供热企业维修人员当日入户检查，发现该户暖气片内存有空气，已进行排气处理，复测室温{H}"
	 "℃，达到供热标准，来电人认可。"},
	{"heating", true,
	 "经核查，该单元供热立管阀门未完全开启，已调整阀门开度并对楼内管网进行平衡调节，复测室温{H}"
	 "℃，已达标。"},
	{"heating", true,
	 "经查，楼内供热管线存在杂质堵塞，供热企业已对该楼入户管道进行冲洗，复测室温{H}"
	 "℃，来电人表示满意。"},
	{"heating", true,
	 "换热站二次网循环流量不足，供热企业已更换循环泵并提高供水温度，该楼末端用户室温恢复至{H}"
	 "℃。"},
	{"heating", false,
	 "经核查，该楼为九十年代建筑，外墙无保温，管网老化，已纳入明年供热管网改造计划；本采暖期已"
	 "采取加大循环量等措施，室温略有提升，已向来电人解释。"},
	{"heating_leak", true,
	 "接诉后维修人员当日赶到现场，更换漏水管件和阀门，已恢复供热，楼下住户损失由双方协商处理，"
	 "社区已协调。"},
	{"heating_leak", true,
	 "供热企业已关闭楼内立管阀门抢修，更换破损暖气片一组，现已恢复正常供热，积水已清理。"},
	{"heating_fee", true,
	 "已向来电人解释供暖收费政策：住宅按建筑面积计收，停供户按规定交纳基础热费；对不达标期间的"
	 "热费，供热企业已按规定予以退还。"},
	{"heating_fee", false,
	 "经核实，该户所在楼栋测温记录均达到标准，不符合退费条件，已向来电人说明，来电人对结果有异"
	 "议。"},
	{"water", true,
	 "经查系供水主管线维修导致临时停水，已于当日恢复供水；今后计划停水将提前24小时在小区张贴公"
	 "告。"},
	{"water", true,
	 "水务部门已派人到现场，更换冻裂的进户管道，已恢复供水，并提醒居民做好管道防冻。"},
	{"water", true,
	 "已对该区域水质进行取样检测，各项指标符合国家生活饮用水卫生标准，水发黄系管道老化所致，已"
	 "安排冲洗管网。"},
	{"water", false,
	 "该区域供水管网老化，需整体改造，已列入改造计划，近期采取错峰加压措施缓解，已向来电人解释"
	 "。"},
	{"property", true,
	 "已约谈小区物业服务企业，责令其限期整改，现已维修完毕并清理楼道卫生，社区将持续跟踪。"},
	{"property", true,
	 "已督促物业联系电梯维保单位检修，更换故障部件，电梯已恢复运行，并要求物业加强日常维保。"},
	{"property", false,
	 "该小区为弃管小区，已由社区牵头组织居民选聘物业，目前正在推进，期间由社区临时组织清运垃圾"
	 "。"},
	{"housing", true, "已责成开发建设单位对房顶防水进行维修，现已修复完毕，来电人认可。"},
	{"housing", false,
	 "该问题涉及历史遗留问题，正在会同相关部门研究解决方案，已向来电人说明办理进度。"},
	{"roads", true, "已安排养护单位对该路段坑洼路面进行修补，井盖已更换，现已恢复正常通行。"},
	{"roads", true, "信号灯故障已由维护单位修复，交警部门已加强该路口高峰时段疏导。"},
	{"roads", false,
	 "该路段已纳入年度道路维修计划，待天气条件允许后施工，期间已设置警示标志。"},
	{"sanitation", true, "已责令环卫作业单位及时清运，并增加该点位清运频次，现场已清理干净。"},
	{"sanitation", true,
	 "执法人员已到现场进行劝导和查处，占道经营摊贩已清理，将加强日常巡查。"},
	{"sanitation", true, "已组织人员和机械对该路段积雪进行清理，人行道已撒融雪剂防滑。"},
	{"sanitation", false, "执法人员到场时未发现违规行为，将加强夜间巡查，已向来电人说明。"},
	{"market", true, "经市场监管部门调解，商家同意为消费者退货退款，来电人表示认可。"},
	{"market", true, "已对该经营户进行检查，对价格违法行为立案调查，责令其改正。"},
	{"market", false, "经营者已失联，已告知来电人可通过司法途径维权，相关线索已移交有关部门。"},
	{"food", true,
	 "执法人员已对该店进行检查，下架过期食品，依法予以处罚，并责令加强进货查验。"},
	{"food", false, "执法人员现场检查未发现问题，已对经营者进行食品安全提醒，将持续关注。"},
	{"medical", true, "已约谈涉事医疗机构，对当班医生进行批评教育，医院已向患者家属致歉。"},
	{"medical", true,
	 "已向来电人详细解答异地就医备案流程，可通过国家医保服务平台APP在线办理。"},
	{"medical", false, "经核查，该收费项目符合物价规定，已向来电人作出解释。"},
	{"wages", true,
	 "经劳动监察部门协调，用人单位已将拖欠的工资{M}元全部支付到位，来电人确认收到。"},
	{"wages", true, "已责令施工总承包单位从工资专用账户先行垫付，拖欠工资已发放到位。"},
	{"wages", false,
	 "用人单位对欠薪金额有争议，已引导来电人申请劳动仲裁，劳动监察部门将持续跟进。"},
	{"education", true, "已责令学校停止违规收费行为并退还费用，教育部门将加强监管。"},
	{"education", true, "已向来电人解答入学政策和所需材料，具体以学区学校招生简章为准。"},
	{"education", false, "经核查，该机构已办理相关许可，收费属市场行为，已向来电人说明。"},
	{"power", true,
	 "供电公司已查明停电原因为线路老化故障，已抢修完毕恢复供电，并计划对该线路进行改造。"},
	{"power", true, "已会同社区、物业对私拉电线行为进行清理，并在小区增设电动车集中充电设施。"},
	{"power", false,
	 "该村线路改造已列入明年农网改造计划，期间已调整变压器分接头，电压略有改善。"},
	{"environment", true,
	 "生态环境部门已对该企业进行现场检查，责令其停产整改，并依法立案查处。"},
	{"environment", true, "乡镇已组织人员扑灭焚烧点，并加强秸秆禁烧巡查。"},
	{"environment", false, "执法人员夜间蹲守未发现排放行为，已安装在线监测设备持续监控。"},
	{"social", true, "已向来电人解答相关政策，社区工作人员已上门协助办理，补贴已发放到位。"},
	{"social", true, "经核实，来电人符合临时救助条件，已按程序发放临时救助金。"},
	{"social", false, "经入户调查，来电人家庭收入超过低保标准，暂不符合条件，已向其解释。"},
	{"other", true, "已协调社区、物业和相关部门对问题进行处理，现已解决，来电人认可。"},
	{"other", false, "已对当事人进行劝导，但问题仍有反复，社区将持续跟进协调。"},
};
enum { NREPLIES = sizeof replies / sizeof replies[0] };

/* An agent's answer at intake (inquiries closed on the phone), by category group. */
static const struct answer {
	const char *cat, *text;
} answers[] = {
	{"heating",
	 "已告知来电人：住宅供暖按建筑面积计收，具体标准以供热企业公示为准；空置房可在开栓前到供热"
	 "企业营业厅办理停供，按规定交纳基础热费；低保、特困家庭可向社区申请供暖补助。"},
	{"water", "已告知来电人：停水原因为供水管线抢修，预计当日恢复；新房开通自来水可携带房产证明"
		  "到水务营业厅办理。"},
	{"housing", "已告知来电人老旧小区改造按年度计划分批实施，具体安排以区住建部门公示为准。"},
	{"roads", "已告知来电人农村客运班线调整情况及新的发车时间。"},
	{"medical", "已告知来电人可通过国家医保服务平台APP办理异地就医备案；疫苗接种可到所属社区卫"
		    "生服务中心，建议提前电话预约。"},
	{"education", "已告知来电人入学报名时间、所需材料以学区学校招生简章为准，可咨询学区学校。"},
	{"power", "已告知来电人停电原因为线路计划检修，预计当日下午恢复供电。"},
	{"social", "已告知来电人：养老金资格认证可通过“辽宁人社”APP或到社区服务站办理；低保、医保缴"
		   "费等可到户籍所在地社区咨询办理。"},
	{"other", "已根据热线知识库当场解答，来电人表示清楚。"},
};

static const char *const return_reasons =
	"经核实，该事项属地为{X}，不属于本单位职责范围，请改派属地政府办理。|"
	"诉求涉及的区域不在本单位管辖范围，请改派属地。|"
	"诉求地址不详，无法核实，请补充具体地址后改派属地办理。";
static const char *const return_heating_haizhou =
	"该小区供热由海州区负责监管，不属于我局直接管辖，请改派海州区住房和城乡建设局。";
static const char *const extension_reasons =
	"需协调供热企业制定整改方案，涉及多户入户检测，申请延期。|"
	"涉及多个部门联合处理，需进一步调查取证，申请延期。|"
	"需采购配件并待天气条件允许后施工，申请延期。|"
	"涉及工程款结算，需协调建设单位和总承包单位，申请延期。|"
	"涉及历史遗留问题，需召开专题协调会研究，申请延期。";
static const char *const review_notes = "答复内容过于简单，未说明具体处理结果，请补充后重新答复。|"
					"来电人反映问题未实际解决，请核实后重新办理。|"
					"答复未说明整改时限，请补充。";
static const char *const reopen_reasons = "回访时来电人表示问题仍未解决，要求重新办理。|"
					  "回访来电人不满意，反映答复与实际情况不符，重新办理。|"
					  "来电人表示维修后又出现同样问题，要求重新处理。";
static const char *const urge_notes = "来电人再次来电催办，请加快办理进度。|"
				      "来电人情绪激动，请尽快联系来电人并妥善处理。|"
				      "请抓紧办理，按时答复群众。";
static const char *const dissatisfied_notes = "来电人对办理结果不满意，认为问题没有实际解决。|"
					      "来电人不满意，反映承办单位未联系本人。|"
					      "来电人不满意，认为处理时间太长。";

/* ---- the plan and the simulation ---- */

enum step {
	S_INTAKE,
	S_MERGE,
	S_CLOSE,
	S_DISPATCH,
	S_RETURN,
	S_SIGN,
	S_URGE,
	S_REQUEST_EXTENSION,
	S_DECIDE_EXTENSION,
	S_REPLY,
	S_REVIEW,
	S_REVISIT,
	S_REOPEN,
	S_DONE,
};

/* The state the simulation believes the appeal is in (mirrors cases.status). */
enum sim_status {
	ST_NEW,
	ST_INTAKE,
	ST_DISPATCHED,
	ST_HANDLING,
	ST_REPLIED,
	ST_REVISIT,
	ST_CLOSED,
	ST_MERGED
};

enum {
	F_RETURNED = 1 << 0,
	F_EXTENDED = 1 << 1,
	F_REJECTED = 1 << 2,
	F_REOPENED = 1 << 3,
	F_URGED = 1 << 4,
	F_RESOLVED = 1 << 5,
	F_CITIZEN = 1 << 6,	 /* filed by the citizen on the web or the app */
	F_SELF_RATE = 1 << 7,	 /* the citizen rates it on the public page */
	F_SIGN_WATCH = 1 << 8,	 /* a scheduler pass is arranged inside the late sign */
	F_FINISH_WATCH = 1 << 9, /* likewise for the late reply */
};

enum channel { CH_8890, CH_12345, CH_HOUSING, CH_12315, CH_12320, CH_WEB, CH_APP, NCHANNELS };
static const char *const channel_words[NCHANNELS] = {"8890",  "12345", "housing", "12315",
						     "12320", "web",   "app"};

#define NEVER INT64_MAX

typedef struct sim {
	int64_t t;		      /* the next event, NEVER when there is none */
	int64_t id;		      /* the case, once taken in */
	int64_t unit;		      /* the handling unit now */
	int64_t reply_at;	      /* the planned reply while an urge comes first */
	int64_t sign_due, finish_due; /* the case's deadlines as the database set them */
	uint64_t rng;		      /* this appeal's own random state */
	uint64_t caller;	      /* seeds the caller's name and phone */
	uint64_t text_seed;	      /* seeds the details of the texts (temperatures, amounts) */
	int32_t dup_of;		      /* the earlier appeal this one repeats, -1 */
	int16_t matter, place;
	uint16_t flags;
	uint8_t step, status, channel;
	uint8_t compound, building, entrance, satisfaction;
	bool urgent, anonymous;
	char number[32];
} sim;

/* Who acts for a unit: the unit's id and a staff member's actor. */
typedef struct staff {
	int64_t unit_id;
	actor who;
} staff;

/* Logins the demo adds so that every unit the routing rules send appeals to has someone
 * to sign and reply. */
static const struct demo_user extra_staff[] = {
	{"shuiwu", "王立新", "shuiwu", "unit_staff", "13941812706"},
	{"jiaotong", "李海涛", "jiaotong", "unit_staff", "15104182235"},
	{"chengguan", "刘建军", "chengguan", "unit_staff", "13898041537"},
	{"shijian", "张雅静", "shijian", "unit_staff", "15041863380"},
	{"weijian", "赵春梅", "weijian", "unit_staff", "13842829071"},
	{"renshe", "孙国华", "renshe", "unit_staff", "18241829563"},
	{"jiaoyu", "周丽娟", "jiaoyu", "unit_staff", "13470283349"},
	{"gongdian", "吴志远", "gongdian", "unit_staff", "15184182976"},
	{"shengtai", "郑晓光", "shengtai", "unit_staff", "13591838402"},
	{"minzheng", "冯淑珍", "minzheng", "unit_staff", "18841864315"},
	{"hz_zhujian", "褚明辉", "haizhou_zhujian", "unit_staff", "13029811645"},
	{"xh_chengguan", "邢立军", "xihe_chengguan", "unit_staff", "15641876230"},
	{"tp_shijian", "韩秀芳", "taiping_shijian", "unit_staff", "13318906457"},
	{"fm_zhujian", "包金山", "fumeng_zhujian", "unit_staff", "15174186620"},
	{"zw_zhujian", "姜宏宇", "zhangwu_zhujian", "unit_staff", "18304182749"},
	{"xinqiu", "魏东升", "xinqiu", "unit_staff", "13614183856"},
	{"taiping", "曲丽萍", "taiping", "unit_staff", "15998180473"},
	{"qinghemen", "吕长海", "qinghemen", "unit_staff", "13188402616"},
	{"fumeng", "白音", "fumeng", "unit_staff", "15042880539"},
	{"zhangwu", "谷晓峰", "zhangwu", "unit_staff", "13504183962"},
};
enum { NEXTRA = sizeof extra_staff / sizeof extra_staff[0] };

typedef struct runner {
	store *s;
	const int64_t *unit_ids;
	int64_t start, now;
	calendar *cal;
	sim *v;
	size_t n;
	/* resolved once, in the setup transaction */
	int64_t matter_cat[NMATTERS]; /* category ids */
	int64_t place_unit[NPLACES], place_township[NPLACES], place_county[NPLACES];
	int place_county_index[NPLACES]; /* demo_units index */
	actor agent, leader;
	staff *staff;
	size_t nstaff;
	actor *readers; /* whose inboxes are read every morning */
	size_t nreaders;
	/* the current window */
	int64_t window_end, stopped_at;
	size_t limit; /* appeals [0, limit) may have events in the window */
	uint32_t gen, *saved_gen;
	sim *undo;
	size_t *undo_idx, nundo;
	size_t *heap, nheap;
	/* Late signs and replies: the scheduler must pass inside [due, late) for each, as
	 * it would have (it runs every few seconds), to see the deadline go by. */
	int64_t *req_due, *req_late;
	size_t nreq, req_cap, req_kept; /* req_kept: those from before the window */
	const demo_beside *beside;	/* another history among the appeals, or NULL */
} runner;

static int unit_index(const char *key)
{
	for (size_t i = 0; i < demo_units_count; i++)
		if (strcmp(demo_units[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* The nearest ancestor-or-self of unit key that has kind, -1 when none. */
static int ancestor_of_kind(const char *key, const char *kind)
{
	for (int i = unit_index(key); i >= 0;) {
		if (strcmp(demo_units[i].kind, kind) == 0)
			return i;
		i = demo_units[i].parent_key ? unit_index(demo_units[i].parent_key) : -1;
	}
	return -1;
}

/* ---- time, China Standard Time ---- */

static int local_hour(int64_t t)
{
	return (int)(((t + CST) % DAY + DAY) % DAY / HOUR);
}

static int64_t local_midnight(int64_t t)
{
	return (t + CST) / DAY * DAY - CST;
}

static int local_month(int64_t t)
{
	char iso[40];
	clock_format_iso(t, iso, sizeof iso);
	return atoi(iso + 5);
}

/* 0 Sunday .. 6 Saturday. */
static int local_weekday(int64_t t)
{
	return (int)(((t + CST) / DAY + 4) % 7);
}

/* The hotline is staffed around the clock, but dispatching, reviewing and calling back
 * happen in the day: a time outside 8:00–20:00 moves to the next morning. */
static int64_t agent_time(uint64_t *rng, int64_t t)
{
	int h = local_hour(t);
	if (h >= AGENT_FROM && h < AGENT_TO)
		return t;
	int64_t morning = local_midnight(t) + AGENT_FROM * HOUR;
	if (h >= AGENT_TO)
		morning += DAY;
	return morning + rnd_int(rng, 1, 50) * MINUTE + rnd_int(rng, 0, 59) * 1000;
}

/* Units work office hours on working days: `minutes` working minutes after t (keeping
 * t's seconds, so that events do not all fall on whole minutes). */
static int64_t unit_time(const runner *r, int64_t t, int64_t minutes)
{
	return calendar_add(r->cal, t, minutes, true) + (int64_t)(t % 60000);
}

/* The first pass after t: every PASS_DAYS days at PASS_HOUR. */
static int64_t next_pass(int64_t t)
{
	int64_t day = (t + CST) / DAY;
	int64_t p = (day - day % PASS_DAYS) * DAY - CST + PASS_HOUR * HOUR;
	while (p <= t)
		p += PASS_DAYS * DAY;
	return p;
}

/* A point of [from, due): fraction f of the working time between them (natural time for
 * urgent appeals, whose deadlines run on natural time). */
static int64_t within(const runner *r, bool urgent, int64_t from, int64_t due, double f)
{
	if (urgent)
		return from + (int64_t)((double)(due - from) * f);
	int64_t w = calendar_elapsed(r->cal, from, due, true);
	return unit_time(r, from, (int64_t)((double)w * f));
}

/* ---- the plan ---- */

typedef struct planner {
	uint64_t rng;
	sim *v;
	size_t n, cap;
} planner;

static const char *group_of(const char *cat, char *buf, size_t n)
{
	snprintf(buf, n, "%s", cat);
	char *u = strchr(buf, '_');
	if (u)
		*u = '\0';
	return buf;
}

static bool place_fits(const struct place *p, char where)
{
	return where == 'a' || (where == 'r') == (p->kind == 'r');
}

static int pick_place(uint64_t *rng, char where)
{
	int w[NPLACES];
	for (int i = 0; i < NPLACES; i++)
		w[i] = place_fits(&places[i], where) ? places[i].weight : 0;
	return (int)rnd_weighted(rng, w, NPLACES);
}

/* Share of heating among the month's appeals (index 0 = January). */
static const double heating_share[12] = {.46, .44, .38, .04, .01, .01,
					 .01, .01, .02, .08, .52, .50};
/* Appeals per day by month, before the weekday and day-to-day variation. */
static const int day_rate[12] = {38, 33, 31, 22, 22, 25, 28, 27, 22, 24, 40, 42};
/* Calls by hour of day. */
static const int hour_weight[24] = {2, 1,  1,  1,  1,  2,  4, 8, 14, 16, 15, 13,
				    9, 10, 13, 13, 12, 10, 8, 8, 7,  6,	 4,  3};

static const char *const groups[] = {"water",  "property",    "housing", "roads", "sanitation",
				     "market", "food",	      "medical", "wages", "education",
				     "power",  "environment", "social",	 "other"};
enum { NGROUPS = sizeof groups / sizeof groups[0] };

static void group_weights(int month, int *w)
{
	static const int base[NGROUPS] = {10, 12, 5, 9, 11, 8, 4, 4, 7, 4, 5, 5, 7, 6};
	memcpy(w, base, sizeof base);
	bool winter = month == 12 || month <= 2, summer = month >= 6 && month <= 8;
	if (summer)
		w[0] += 5, w[4] += 3, w[2] += 2;
	if (winter)
		w[0] += 3, w[8] += 8, w[4] += 4;
	if (month == 3 || month == 4)
		w[3] += 4, w[11] += 3;
	if (month == 10 || month == 11)
		w[11] += 3, w[5] += 2;
	if (month >= 6 && month <= 9)
		w[9] += 4;
	if (month == 7 || month == 8)
		w[10] += 4;
}

static int pick_matter(uint64_t *rng, int month, bool heating)
{
	char g[32], mg[32];
	const char *group = "heating";
	if (!heating) {
		int w[NGROUPS];
		group_weights(month, w);
		group = groups[rnd_weighted(rng, w, NGROUPS)];
	}
	snprintf(g, sizeof g, "%s", group);
	int w[NMATTERS];
	int total = 0;
	for (int pass = 0; pass < 2 && total == 0; pass++)
		for (int i = 0; i < NMATTERS; i++) {
			bool in_month = pass == 1 || (matters[i].months & (1u << (month - 1)));
			w[i] = !strcmp(group_of(matters[i].cat, mg, sizeof mg), g) && in_month
				       ? matters[i].weight
				       : 0;
			total += w[i];
		}
	return (int)rnd_weighted(rng, w, NMATTERS);
}

static uint8_t pick_channel(uint64_t *rng, const char *cat)
{
	/* 8890 12345 housing 12315 12320 web app */
	static const int market[NCHANNELS] = {30, 7, 0, 55, 0, 4, 4};
	static const int medical[NCHANNELS] = {35, 7, 0, 0, 50, 0, 8};
	static const int home[NCHANNELS] = {62, 10, 18, 0, 0, 4, 6};
	static const int other[NCHANNELS] = {70, 16, 0, 0, 0, 6, 8};
	char g[32];
	group_of(cat, g, sizeof g);
	const int *w = !strcmp(g, "market") || !strcmp(g, "food") ? market
		       : !strcmp(g, "medical")			  ? medical
		       : !strcmp(g, "heating") || !strcmp(g, "property") || !strcmp(g, "housing")
			       ? home
			       : other;
	return (uint8_t)rnd_weighted(rng, w, NCHANNELS);
}

/* Whether a matter is the kind neighbours call about together (the same building's
 * heating, a burst pipe): those get merged duplicates. */
static bool dup_prone(const char *cat)
{
	return !strcmp(cat, "heating_cold") || !strcmp(cat, "heating_leak") ||
	       !strcmp(cat, "heating") || !strcmp(cat, "water_outage") || !strcmp(cat, "power");
}

static void plan_one(planner *pl, int64_t t, int month, double heat)
{
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 4096;
		pl->v = xrealloc(pl->v, pl->cap * sizeof *pl->v);
	}
	size_t idx = pl->n++;
	sim *a = &pl->v[idx];
	memset(a, 0, sizeof *a);
	uint64_t *rng = &pl->rng;
	a->t = t;
	a->step = S_INTAKE;
	a->status = ST_NEW;
	a->dup_of = -1;
	a->rng = rnd_seed(rnd_next(rng));
	a->caller = rnd_seed(rnd_next(rng));
	a->text_seed = rnd_seed(rnd_next(rng));
	a->matter = (int16_t)pick_matter(rng, month, rnd_chance(rng, heat));
	const struct matter *m = &matters[a->matter];
	a->place = (int16_t)pick_place(rng, m->where);
	a->compound = (uint8_t)rnd_int(rng, 0, COMPOUNDS_PER_PLACE - 1);
	a->building = (uint8_t)rnd_int(rng, 1, 28);
	a->entrance = (uint8_t)rnd_int(rng, 1, 6);
	/* Neighbours about the same trouble within a day and a half: a duplicate. */
	if (dup_prone(m->cat) && rnd_chance(rng, .08)) {
		for (size_t j = idx; j-- > 0 && idx - j < 120;) {
			const sim *b = &pl->v[j];
			if (t - b->t > 36 * HOUR)
				break;
			if (b->dup_of < 0 && !strcmp(matters[b->matter].cat, m->cat)) {
				a->dup_of = (int32_t)j;
				a->place = b->place;
				a->compound = b->compound;
				a->building = b->building;
				break;
			}
		}
	}
	/* A caller who called before (about the same home). */
	if (a->dup_of < 0 && idx > 50 && rnd_chance(rng, .08)) {
		const sim *b = &pl->v[rnd_int(rng, idx > 3000 ? (int64_t)idx - 3000 : 0,
					      (int64_t)idx - 1)];
		if (place_fits(&places[b->place], m->where)) {
			a->caller = b->caller;
			a->place = b->place;
			a->compound = b->compound;
			a->building = b->building;
			a->entrance = b->entrance;
		}
	}
	a->channel = pick_channel(rng, m->cat);
	if (a->channel == CH_WEB || a->channel == CH_APP)
		a->flags |= F_CITIZEN;
	else
		a->anonymous = rnd_chance(rng, .04);
	a->urgent = !(a->flags & F_CITIZEN) && rnd_chance(rng, m->urgent / 100.0);
}

/* The whole year's plan, appeals in time order. */
static void plan_year(planner *pl, int64_t start, int64_t now)
{
	for (int64_t day = start; day <= now; day += DAY) {
		int month = local_month(day), wd = local_weekday(day);
		double rate = day_rate[month - 1] * (wd == 0 || wd == 6 ? .78 : 1.0) *
			      (.8 + .4 * rnd_unit(&pl->rng));
		double heat = heating_share[month - 1];
		/* A cold snap: the heating calls jump for a few days. */
		if (heat > .3 && rnd_chance(&pl->rng, .12)) {
			rate *= 1.35;
			heat = heat * 1.3 > .75 ? .75 : heat * 1.3;
		}
		int count = (int)(rate + .5);
		int64_t *times = xcalloc((size_t)count + 1, sizeof *times);
		int nt = 0;
		for (int i = 0; i < count; i++) {
			int h = (int)rnd_weighted(&pl->rng, hour_weight, 24);
			int64_t t = day + h * (int64_t)HOUR + rnd_int(&pl->rng, 0, HOUR - 1);
			if (t <= now)
				times[nt++] = t;
		}
		/* Insertion sort: a day has a few dozen. */
		for (int i = 1; i < nt; i++)
			for (int j = i; j > 0 && times[j] < times[j - 1]; j--) {
				int64_t x = times[j];
				times[j] = times[j - 1];
				times[j - 1] = x;
			}
		for (int i = 0; i < nt; i++)
			plan_one(pl, times[i], month, heat);
		free(times);
	}
}

/* ---- texts ---- */

typedef struct slots {
	char v[26][96];
} slots;

static void slot(slots *s, char k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void slot(slots *s, char k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->v[k - 'A'], sizeof s->v[0], fmt, ap);
	va_end(ap);
}

static void expand(strbuf *sb, const char *tpl, const slots *s)
{
	strbuf_reset(sb);
	for (const char *p = tpl; *p; p++) {
		if (p[0] == '{' && p[1] >= 'A' && p[1] <= 'Z' && p[2] == '}') {
			strbuf_adds(sb, s->v[p[1] - 'A']);
			p += 2;
		} else {
			strbuf_addch(sb, *p);
		}
	}
}

static const char *compound_of(const sim *a)
{
	return compounds[((size_t)a->place * 7 + (size_t)a->compound * 11) % NCOMPOUNDS];
}

/* The slots of an appeal (texts drawn from rng, places fixed by the plan) and its
 * address. */
static void fill_slots(const runner *r, const sim *a, uint64_t *rng, slots *s, char *address,
		       size_t an)
{
	memset(s, 0, sizeof *s);
	const struct place *p = &places[a->place];
	const struct demo_unit *u = &demo_units[unit_index(p->unit)];
	const struct demo_unit *tw = &demo_units[ancestor_of_kind(p->unit, "township")];
	const struct demo_unit *co = &demo_units[r->place_county_index[a->place]];
	const char *comp = compound_of(a);
	char street[32] = "";
	if (p->streets) {
		/* A compound keeps its street. */
		uint64_t k = rnd_seed((uint64_t)a->place * 131 + a->compound);
		rnd_word(&k, p->streets, street, sizeof street);
	}
	slot(s, 'C', "%s", comp);
	slot(s, 'X', "%s", co->name);
	slot(s, 'B', "%d", a->building);
	slot(s, 'U', "%d", a->entrance);
	slot(s, 'R', "%d%02d", (int)rnd_int(rng, 1, 7), (int)rnd_int(rng, 1, 4));
	slot(s, 'T', "%d", (int)rnd_int(rng, 10, 16));
	slot(s, 'H', "%d", (int)rnd_int(rng, 18, 22));
	slot(s, 'D', "%d", (int)rnd_int(rng, 2, 9));
	slot(s, 'N', "%d", (int)rnd_int(rng, 2, 5));
	slot(s, 'Q', "%d", (int)rnd_int(rng, 4, 6));
	slot(s, 'M', "%d", (int)rnd_int(rng, 6, 96) * 500);
	slot(s, 'K', "%d", (int)rnd_int(rng, 2, 8));
	slot(s, 'Y', "%d", (int)rnd_int(rng, 8, 60) * 10);
	slot(s, 'F', "%d", (int)rnd_int(rng, 48, 128));
	rnd_word(rng, companies, s->v['W' - 'A'], sizeof s->v[0]);
	rnd_word(rng, shops, s->v['P' - 'A'], sizeof s->v[0]);
	if (p->kind == 'r') {
		/* A village, or a township without a demo village: the town itself. */
		if (strcmp(u->kind, "village") == 0)
			slot(s, 'V', "%s%s", tw->name, u->name);
		else
			slot(s, 'V', "%s", u->name);
		slot(s, 'S', "%s", s->v['V' - 'A']);
		snprintf(address, an, "%s%s%d组", co->name, s->v['V' - 'A'],
			 (int)(a->compound % 6) + 1);
		return;
	}
	slot(s, 'V', "%s", tw->name);
	if (p->streets) {
		slot(s, 'S', "%s", street);
		snprintf(address, an, "%s%s%d号%s%d号楼", co->name, street,
			 (int)((a->place * 37 + a->compound * 13) % 180) + 1, comp, a->building);
	} else {
		slot(s, 'S', "%s", tw->name);
		snprintf(address, an, "%s%s%s%s%d号楼", co->name, tw->name,
			 strcmp(u->kind, "community") == 0 ? u->name : "", comp, a->building);
	}
}

static void caller_of(const sim *a, char *name, size_t nn, char *phone, size_t pn)
{
	uint64_t c = a->caller;
	char surname[16];
	rnd_word(&c, surnames, surname, sizeof surname);
	snprintf(name, nn, "%s%s", surname, rnd_chance(&c, .5) ? "先生" : "女士");
	static const char *const prefixes =
		"130|131|132|133|135|136|137|138|139|150|151|152|155|156|157|158|159|177|"
		"180|182|183|185|186|187|188|189|199";
	if (rnd_chance(&c, .06)) {
		snprintf(phone, pn, "0418-%d%06d", (int)rnd_int(&c, 2, 8),
			 (int)rnd_int(&c, 0, 999999));
		return;
	}
	char pre[8];
	rnd_word(&c, prefixes, pre, sizeof pre);
	snprintf(phone, pn, "%s%08d", pre, (int)rnd_int(&c, 0, 99999999));
}

/* ---- the simulation's steps ---- */

static const actor *staff_of(const runner *r, int64_t unit_id)
{
	for (size_t i = 0; i < r->nstaff; i++)
		if (r->staff[i].unit_id == unit_id)
			return &r->staff[i].who;
	return NULL;
}

/* An action as the demo plans it; act() writes it as the body the API would receive. */
typedef struct demo_action {
	const char *action;
	int64_t unit_id; /* dispatch */
	int64_t into_id; /* merge */
	const char *note, *reason, *content, *satisfaction;
	int resolved; /* reply: 0/1; -1 absent */
	int approve;  /* review, decide_extension: 0/1; -1 absent */
	int64_t days; /* request_extension */
} demo_action;

static json_t *action_body(const demo_action *x)
{
	json_t *b = json_pack("{s:s}", "action", x->action);
	if (x->unit_id)
		json_object_set_new(b, "unit_id", json_integer(x->unit_id));
	if (x->into_id)
		json_object_set_new(b, "into_id", json_integer(x->into_id));
	if (x->days)
		json_object_set_new(b, "days", json_integer(x->days));
	const char *keys[] = {"note", "reason", "content", "satisfaction"};
	const char *vals[] = {x->note, x->reason, x->content, x->satisfaction};
	for (int k = 0; k < 4; k++)
		if (vals[k])
			json_object_set_new(b, keys[k], json_string(vals[k]));
	if (x->resolved >= 0)
		json_object_set_new(b, "resolved", json_boolean(x->resolved));
	if (x->approve >= 0)
		json_object_set_new(b, "approve", json_boolean(x->approve));
	return b;
}

/* appeal_act by who on appeal i. */
static int act(store_conn *c, const runner *r, size_t i, const actor *who, const demo_action *x,
	       err *e)
{
	if (!who)
		return err_set(e, ERR_INTERNAL, "demo_appeals", NULL, "单位 %lld 没有演示工作人员",
			       (long long)r->v[i].unit);
	json_t *body = action_body(x);
	int rc = appeal_act(c, who, r->v[i].id, body, e);
	json_decref(body);
	return rc;
}

/* The unit the agent sends an appeal to after its first unit returned it: a district's
 * own housing bureau for the city bureau's heating cases in 海州区, otherwise the district
 * or county the matter lies in, and from there the civil affairs bureau. */
static int64_t unit_after_return(const runner *r, const sim *a)
{
	int county = r->place_county_index[a->place];
	if (a->unit == r->unit_ids[unit_index("zhujian")] &&
	    !strcmp(demo_units[county].key, "haizhou"))
		return r->unit_ids[unit_index("haizhou_zhujian")];
	if (a->unit != r->place_county[a->place])
		return r->place_county[a->place];
	return r->unit_ids[unit_index("minzheng")];
}

/* Plans the reply from `from` against the finish deadline: most before it, some late. */
static void plan_reply(const runner *r, sim *a, int64_t from, int64_t due)
{
	uint64_t *g = &a->rng;
	if (due > from && rnd_chance(g, .93)) {
		/* Skewed early: most units reply well inside the deadline. */
		double f = .06 + .86 * rnd_unit(g) * rnd_unit(g) + .05 * rnd_unit(g);
		a->t = within(r, a->urgent, from, due, f);
	} else {
		int64_t base = next_pass(due > from ? due : from);
		a->t = a->urgent ? base + rnd_int(g, 30, 900) * MINUTE
				 : unit_time(r, base, rnd_int(g, 30, 1600));
	}
	if (a->t <= from)
		a->t = from + rnd_int(g, 20, 90) * MINUTE;
	a->step = S_REPLY;
	/* Now and then the caller rings again to hurry it up. */
	if (!(a->flags & F_URGED) && rnd_chance(g, .03)) {
		int64_t u = agent_time(g, from + (a->t - from) / 2);
		if (u > from && u < a->t) {
			a->reply_at = a->t;
			a->t = u;
			a->step = S_URGE;
		}
	}
}

static const char *reply_text(uint64_t *g, const char *cat, bool resolved)
{
	char grp[32];
	group_of(cat, grp, sizeof grp);
	const char *keys[] = {cat, grp, "other"};
	for (size_t k = 0; k < 3; k++) {
		int w[NREPLIES];
		int total = 0;
		for (size_t j = 0; j < NREPLIES; j++) {
			w[j] = !strcmp(replies[j].cat, keys[k]) && replies[j].resolved == resolved;
			total += w[j];
		}
		if (total)
			return replies[rnd_weighted(g, w, NREPLIES)].text;
	}
	return "已办理。";
}

/* Runs appeal i's next event, at v[i].t, on connection c; plans the one after. */
static int step(store_conn *c, runner *r, size_t i, err *e)
{
	sim *a = &r->v[i];
	uint64_t *g = &a->rng;
	const struct matter *m = &matters[a->matter];
	const int64_t t = a->t;
	char grp[32];
	group_of(m->cat, grp, sizeof grp);
	demo_action x = {.resolved = -1, .approve = -1};
	char note[512];
	strbuf sb = STRBUF_INIT;
	int rc = 0;
	switch ((enum step)a->step) {
	case S_INTAKE: {
		slots s;
		char address[256], name[32], phone[32], ip[32], code[32];
		uint64_t ts = a->text_seed;
		fill_slots(r, a, &ts, &s, address, sizeof address);
		caller_of(a, name, sizeof name, phone, sizeof phone);
		strbuf title = STRBUF_INIT;
		expand(&title, m->title, &s);
		/* The hotline's record speaks of the caller; a citizen writes in the first
		 * person. */
		if (!(a->flags & F_CITIZEN) && rnd_chance(g, .45))
			strbuf_adds(&sb, rnd_chance(g, .5) ? "来电人反映：" : "市民来电称，");
		strbuf body = STRBUF_INIT;
		expand(&body, m->content, &s);
		strbuf_adds(&sb, strbuf_str(&body));
		strbuf_release(&body);
		appeal_input in = {.content = strbuf_str(&sb),
				   .title = strbuf_str(&title),
				   .channel = channel_words[a->channel],
				   .type = m->type,
				   .category_id = r->matter_cat[a->matter],
				   .contact_name = name,
				   .contact_phone = phone,
				   .address = address,
				   .urgent = a->urgent,
				   .anonymous = a->anonymous};
		if (a->flags & F_CITIZEN) {
			/* The public form takes an administrative code, not a unit id. */
			snprintf(code, sizeof code, "%s",
				 demo_units[ancestor_of_kind(places[a->place].unit, "township")]
					 .code);
			in.region_code = code;
			snprintf(ip, sizeof ip, "203.0.113.%d", (int)rnd_int(g, 2, 254));
			const char *ck = demo_units[r->place_county_index[a->place]].key;
			for (size_t k = 0;
			     a->channel == CH_APP && k < sizeof seats / sizeof seats[0]; k++)
				if (!strcmp(seats[k].county, ck)) {
					in.has_coords = true;
					in.lat = seats[k].lat + (rnd_unit(g) - .5) * .03;
					in.lon = seats[k].lon + (rnd_unit(g) - .5) * .03;
				}
		} else {
			in.region_id = r->place_unit[a->place];
		}
		appeal_intake_info info;
		rc = appeal_intake(c, a->flags & F_CITIZEN ? NULL : &r->agent,
				   a->flags & F_CITIZEN ? ip : NULL, &in, &info, e);
		a->id = info.id;
		snprintf(a->number, sizeof a->number, "%s", info.number);
		strbuf_release(&title);
		if (rc < 0)
			break;
		a->status = ST_INTAKE;
		bool answered = (!strcmp(m->type, "inquiry") && rnd_chance(g, .62)) ||
				(!strcmp(m->type, "praise") && rnd_chance(g, .5));
		if (a->dup_of >= 0) {
			a->step = S_MERGE;
			a->t = agent_time(g, t + rnd_int(g, 3, 25) * MINUTE);
		} else if (answered) {
			a->step = S_CLOSE;
			a->t = t + rnd_int(g, 2, 9) * MINUTE;
		} else {
			/* Nothing routes "other": the agent works out whose it is. */
			/* Most are dispatched within minutes; some wait while the agent checks
			 * the address or whose matter it is. */
			a->step = S_DISPATCH;
			bool check = !strcmp(grp, "other") || rnd_chance(g, .12);
			a->t = a->urgent ? t + rnd_int(g, 4, 15) * MINUTE
			       : check	 ? agent_time(g, t + rnd_int(g, 120, 3600) * MINUTE)
					 : agent_time(g, t + rnd_int(g, 5, 50) * MINUTE);
		}
		break;
	}
	case S_MERGE: {
		const sim *target = &r->v[a->dup_of];
		if (!target->id || target->status == ST_CLOSED || target->status == ST_MERGED) {
			a->step = S_DISPATCH; /* at the same time */
			break;
		}
		x.action = "merge";
		x.into_id = target->id;
		x.note = "同一问题重复来电，合并办理。";
		if ((rc = act(c, r, i, &r->agent, &x, e)) < 0)
			break;
		a->status = ST_MERGED;
		a->step = S_DONE;
		break;
	}
	case S_CLOSE: {
		const char *text = "已根据热线知识库当场解答，来电人表示清楚。";
		for (size_t k = 0; k < sizeof answers / sizeof answers[0]; k++)
			if (!strcmp(answers[k].cat, grp))
				text = answers[k].text;
		x.action = "close";
		x.note = !strcmp(m->type, "praise") ? "已记录来电人的表扬，转达相关单位。" : text;
		if ((rc = act(c, r, i, &r->agent, &x, e)) < 0)
			break;
		a->status = ST_CLOSED;
		a->step = S_DONE;
		break;
	}
	case S_DISPATCH: {
		int64_t unit = 0;
		if (a->flags & F_RETURNED) {
			unit = unit_after_return(r, a);
		} else {
			int64_t region = a->flags & F_CITIZEN ? r->place_township[a->place]
							      : r->place_unit[a->place];
			if ((rc = appeal_suggest_unit(c, r->matter_cat[a->matter], region, &unit,
						      e)) < 0)
				break;
			if (!unit) {
				/* No rule: the district or county, or 站前街道 for its own. */
				int tw = ancestor_of_kind(places[a->place].unit, "township");
				unit = !strcmp(demo_units[tw].key, "zhanqian")
					       ? r->unit_ids[tw]
					       : r->place_county[a->place];
			}
		}
		a->unit = unit;
		x.action = "dispatch";
		x.unit_id = unit;
		if (a->flags & F_RETURNED)
			x.note = "原承办单位退回，改派办理。";
		else if (a->urgent)
			x.note = "紧急诉求，请立即签收处置。";
		if ((rc = act(c, r, i, &r->agent, &x, e)) < 0)
			break;
		a->status = ST_DISPATCHED;
		case_row cr;
		if ((rc = case_load(c, a->id, &cr, e)) < 0)
			break;
		a->sign_due = cr.sign_due_at;
		a->finish_due = cr.finish_due_at;
		a->flags &= (uint16_t) ~(F_SIGN_WATCH | F_FINISH_WATCH);
		if (!(a->flags & F_RETURNED) && rnd_chance(g, .04)) {
			a->step = S_RETURN;
			a->t = a->urgent ? t + rnd_int(g, 10, 50) * MINUTE
					 : unit_time(r, t, rnd_int(g, 10, 100));
		} else {
			a->step = S_SIGN;
			if (rnd_chance(g, .94))
				a->t = within(r, a->urgent, t, cr.sign_due_at,
					      .03 + .8 * rnd_unit(g));
			else /* late: after the evening's pass has seen the deadline go by */
				a->t = a->urgent ? next_pass(cr.sign_due_at) +
							   rnd_int(g, 5, 240) * MINUTE
						 : unit_time(r, next_pass(cr.sign_due_at),
							     rnd_int(g, 5, 420));
			if (a->t <= t)
				a->t = t + rnd_int(g, 1, 5) * MINUTE;
		}
		break;
	}
	case S_RETURN: {
		if (unit_after_return(r, a) == r->unit_ids[unit_index("haizhou_zhujian")]) {
			snprintf(note, sizeof note, "%s", return_heating_haizhou);
		} else {
			slots s;
			memset(&s, 0, sizeof s);
			slot(&s, 'X', "%s", demo_units[r->place_county_index[a->place]].name);
			char tpl[512];
			rnd_word(g, return_reasons, tpl, sizeof tpl);
			expand(&sb, tpl, &s);
			snprintf(note, sizeof note, "%s", strbuf_str(&sb));
		}
		x.action = "return";
		x.reason = note;
		if ((rc = act(c, r, i, staff_of(r, a->unit), &x, e)) < 0)
			break;
		a->status = ST_INTAKE;
		a->flags |= F_RETURNED;
		a->step = S_DISPATCH;
		a->t = a->urgent ? t + rnd_int(g, 10, 40) * MINUTE
				 : agent_time(g, t + rnd_int(g, 20, 1200) * MINUTE);
		break;
	}
	case S_SIGN: {
		x.action = "sign";
		if ((rc = act(c, r, i, staff_of(r, a->unit), &x, e)) < 0)
			break;
		a->status = ST_HANDLING;
		case_row cr;
		if ((rc = case_load(c, a->id, &cr, e)) < 0)
			break;
		bool slow = !strcmp(grp, "housing") || !strcmp(grp, "wages");
		if (!a->urgent && cr.finish_due_at > t && rnd_chance(g, slow ? .12 : .04)) {
			a->step = S_REQUEST_EXTENSION;
			a->t = within(r, false, t, cr.finish_due_at, .3 + .4 * rnd_unit(g));
			if (a->t <= t)
				a->t = t + HOUR;
		} else {
			plan_reply(r, a, t, cr.finish_due_at);
		}
		break;
	}
	case S_URGE: {
		bool by_leader = rnd_chance(g, .3);
		rnd_word(g, urge_notes, note, sizeof note);
		x.action = "urge";
		x.note = note;
		if ((rc = act(c, r, i, by_leader ? &r->leader : &r->agent, &x, e)) < 0)
			break;
		a->flags |= F_URGED;
		a->step = S_REPLY;
		a->t = a->reply_at > t ? a->reply_at : t + HOUR;
		break;
	}
	case S_REQUEST_EXTENSION: {
		rnd_word(g, extension_reasons, note, sizeof note);
		x.action = "request_extension";
		x.days = rnd_int(g, 3, 10);
		x.reason = note;
		if ((rc = act(c, r, i, staff_of(r, a->unit), &x, e)) < 0)
			break;
		a->flags |= F_EXTENDED;
		a->step = S_DECIDE_EXTENSION;
		a->t = agent_time(g, t + rnd_int(g, 30, 300) * MINUTE);
		break;
	}
	case S_DECIDE_EXTENSION: {
		bool approve = rnd_chance(g, .88);
		x.action = "decide_extension";
		x.approve = approve;
		x.note = approve ? "同意延期，请抓紧办理。" : "延期理由不充分，请按原时限办结。";
		if ((rc = act(c, r, i, &r->agent, &x, e)) < 0)
			break;
		case_row cr;
		if ((rc = case_load(c, a->id, &cr, e)) < 0)
			break;
		if (cr.finish_due_at != a->finish_due)
			a->flags &= (uint16_t)~F_FINISH_WATCH;
		a->finish_due = cr.finish_due_at;
		plan_reply(r, a, t, cr.finish_due_at);
		break;
	}
	case S_REPLY: {
		bool resolved = rnd_chance(g, a->flags & F_REOPENED ? .7 : .86);
		slots s;
		char address[256];
		uint64_t ts = a->text_seed;
		fill_slots(r, a, &ts, &s, address, sizeof address);
		expand(&sb, reply_text(g, m->cat, resolved), &s);
		x.action = "reply";
		x.content = strbuf_str(&sb);
		x.resolved = resolved;
		if ((rc = act(c, r, i, staff_of(r, a->unit), &x, e)) < 0)
			break;
		a->flags = (uint16_t)((a->flags & ~F_RESOLVED) | (resolved ? F_RESOLVED : 0));
		a->status = ST_REPLIED;
		a->step = S_REVIEW;
		a->t = agent_time(g, t + rnd_int(g, 30, 2400) * MINUTE);
		break;
	}
	case S_REVIEW: {
		bool reject = !(a->flags & F_REJECTED) && rnd_chance(g, .04);
		x.action = "review";
		x.approve = !reject;
		if (reject)
			rnd_word(g, review_notes, note, sizeof note);
		x.note = reject ? note : NULL;
		if ((rc = act(c, r, i, &r->agent, &x, e)) < 0)
			break;
		if (reject) {
			a->flags |= F_REJECTED;
			a->status = ST_HANDLING;
			a->step = S_REPLY;
			a->t = unit_time(r, t, rnd_int(g, 120, 1500));
			break;
		}
		a->status = ST_REVISIT;
		a->step = S_REVISIT;
		if ((a->flags & F_CITIZEN) && rnd_chance(g, .5)) {
			/* The citizen rates it on the public page, some evening. */
			a->flags |= F_SELF_RATE;
			int64_t at = t + rnd_int(g, 2, 48) * HOUR;
			int h = local_hour(at);
			a->t = h >= 7 && h < 23 ? at
						: local_midnight(at) + (h >= 23 ? DAY : 0) +
							  7 * HOUR + rnd_int(g, 0, 120) * MINUTE;
		} else {
			a->t = agent_time(g, t + rnd_int(g, 60, 3000) * MINUTE);
		}
		break;
	}
	case S_REVISIT: {
		static const char *const sats[] = {"satisfied", "basically_satisfied",
						   "dissatisfied"};
		static const int resolved_w[] = {73, 15, 12}, unresolved_w[] = {16, 36, 48};
		int k = (int)rnd_weighted(g, a->flags & F_RESOLVED ? resolved_w : unresolved_w, 3);
		if (a->flags & F_SELF_RATE) {
			char name[32], phone[32], ip[32];
			caller_of(a, name, sizeof name, phone, sizeof phone);
			snprintf(ip, sizeof ip, "203.0.113.%d", (int)rnd_int(g, 2, 254));
			if ((rc = appeal_citizen_rate(c, a->number, phone, sats[k], ip, e)) < 0)
				break;
		} else {
			if (k == 2)
				rnd_word(g, dissatisfied_notes, note, sizeof note);
			x.action = "revisit";
			x.satisfaction = sats[k];
			x.note = k == 0	  ? "回访来电人，对办理结果表示满意。"
				 : k == 1 ? "回访来电人，表示基本满意。"
					  : note;
			if ((rc = act(c, r, i, &r->agent, &x, e)) < 0)
				break;
		}
		a->status = ST_CLOSED;
		a->satisfaction = (uint8_t)(k + 1);
		if (k == 2 && !(a->flags & F_REOPENED) && rnd_chance(g, .25)) {
			a->step = S_REOPEN;
			a->t = agent_time(g, t + rnd_int(g, 60, 1440) * MINUTE);
		} else {
			a->step = S_DONE;
		}
		break;
	}
	case S_REOPEN: {
		rnd_word(g, reopen_reasons, note, sizeof note);
		x.action = "reopen";
		x.reason = note;
		if ((rc = act(c, r, i, &r->agent, &x, e)) < 0)
			break;
		a->flags |= F_REOPENED;
		a->status = ST_HANDLING;
		case_row cr;
		if ((rc = case_load(c, a->id, &cr, e)) < 0)
			break;
		a->flags &= (uint16_t)~F_FINISH_WATCH;
		a->finish_due = cr.finish_due_at;
		plan_reply(r, a, t, cr.finish_due_at);
		break;
	}
	case S_DONE: break;
	}
	strbuf_release(&sb);
	if (rc < 0) {
		char msg[160];
		memcpy(msg, e->message, sizeof msg - 1);
		msg[sizeof msg - 1] = '\0';
		snprintf(e->message, sizeof e->message, "演示诉求 %zu %.20s（步骤 %d）：%s", i,
			 a->number, (int)a->step, msg);
	}
	return rc;
}

/* ---- windows: events in time order, one transaction each ---- */

static bool earlier(const runner *r, size_t x, size_t y)
{
	return r->v[x].t < r->v[y].t || (r->v[x].t == r->v[y].t && x < y);
}

static void heap_push(runner *r, size_t i)
{
	size_t k = r->nheap++;
	r->heap[k] = i;
	while (k > 0 && earlier(r, r->heap[k], r->heap[(k - 1) / 2])) {
		size_t p = (k - 1) / 2, tmp = r->heap[p];
		r->heap[p] = r->heap[k];
		r->heap[k] = tmp;
		k = p;
	}
}

static size_t heap_pop(runner *r)
{
	size_t top = r->heap[0];
	r->heap[0] = r->heap[--r->nheap];
	for (size_t k = 0;;) {
		size_t l = 2 * k + 1, m = k;
		if (l < r->nheap && earlier(r, r->heap[l], r->heap[m]))
			m = l;
		if (l + 1 < r->nheap && earlier(r, r->heap[l + 1], r->heap[m]))
			m = l + 1;
		if (m == k)
			break;
		size_t tmp = r->heap[m];
		r->heap[m] = r->heap[k];
		r->heap[k] = tmp;
		k = m;
	}
	return top;
}

/* Arranges a scheduler pass inside [due, late) when appeal a's next event comes after the
 * deadline it is waiting against. */
static void watch(runner *r, sim *a, int64_t t)
{
	int64_t due = 0;
	uint16_t bit = 0;
	if (a->step == S_DONE)
		return;
	if (a->status == ST_DISPATCHED) {
		due = a->sign_due;
		bit = F_SIGN_WATCH;
	} else if (a->status == ST_HANDLING) {
		due = a->finish_due;
		bit = F_FINISH_WATCH;
	}
	if (!bit || (a->flags & bit) || !due || a->t <= due)
		return;
	a->flags |= bit;
	if (r->nreq == r->req_cap) {
		r->req_cap = r->req_cap ? 2 * r->req_cap : 256;
		r->req_due = xrealloc(r->req_due, r->req_cap * sizeof *r->req_due);
		r->req_late = xrealloc(r->req_late, r->req_cap * sizeof *r->req_late);
	}
	r->req_due[r->nreq] = due > t ? due : t;
	r->req_late[r->nreq++] = a->t;
}

/* Every event before window_end in time order, stopping early just before the first late
 * event that needs a scheduler pass first (stopped_at: where the window really ended).
 * Restores what an earlier, rolled-back run of the same window changed first: the body
 * may run more than once. */
static int tx_window(store_conn *c, void *p, err *e)
{
	runner *r = p;
	for (size_t k = r->nundo; k-- > 0;)
		r->v[r->undo_idx[k]] = r->undo[k];
	r->nundo = 0;
	r->nreq = r->req_kept;
	r->gen++;
	if (r->beside)
		r->beside->begin(r->beside->ctx);
	r->nheap = 0;
	for (size_t i = 0; i < r->limit; i++)
		if (r->v[i].t < r->window_end)
			heap_push(r, i);
	r->stopped_at = r->window_end;
	while (r->nheap) {
		int64_t late = INT64_MAX;
		for (size_t k = 0; k < r->nreq; k++)
			if (r->req_late[k] < late)
				late = r->req_late[k];
		if (r->v[r->heap[0]].t >= late) {
			r->stopped_at = late - 1;
			break;
		}
		size_t i = heap_pop(r);
		sim *a = &r->v[i];
		if (r->saved_gen[i] != r->gen) {
			r->saved_gen[i] = r->gen;
			r->undo[r->nundo] = *a;
			r->undo_idx[r->nundo++] = i;
		}
		int64_t t = a->t;
		if (r->beside && r->beside->until(c, t, r->beside->ctx, e) < 0)
			return -1;
		clock_override(t);
		if (step(c, r, i, e) < 0)
			return -1;
		watch(r, a, t);
		if (a->step == S_DONE)
			a->t = NEVER;
		else if (a->t < r->window_end)
			heap_push(r, i);
	}
	/* The other history up to where the window really ends. */
	int64_t end = r->stopped_at == r->window_end ? r->window_end : r->stopped_at + 1;
	return r->beside ? r->beside->until(c, end, r->beside->ctx, e) : 0;
}

/* Staff read their inbox every morning (the last two days' stay unread). */
static int tx_read(store_conn *c, void *p, err *e)
{
	runner *r = p;
	int64_t at = clock_now_ms();
	for (size_t k = 0; k < r->nreaders; k++)
		if (inbox_mark_all_read(c, &r->readers[k], at, e) < 0)
			return -1;
	return 0;
}

/* The actor a login would resolve to (as auth_resolve builds it). */
static int actor_of(store_conn *c, const runner *r, const struct demo_user *d, int64_t user_id,
		    actor *out, err *e)
{
	memset(out, 0, sizeof *out);
	if (!user_id && user_find(c, d->username, &user_id, e) < 0)
		return -1;
	int ui = unit_index(d->unit_key);
	out->user_id = user_id;
	snprintf(out->username, sizeof out->username, "%s", d->username);
	out->unit_id = r->unit_ids[ui];
	char roles[128];
	snprintf(roles, sizeof roles, "%s", d->roles);
	for (char *sv = NULL, *w = strtok_r(roles, ",", &sv); w; w = strtok_r(NULL, ",", &sv))
		out->roles |= role_parse(w);
	snprintf(out->ip, sizeof out->ip, "10.18.%d.%d", 20 + ui % 200, 10 + (int)(user_id % 200));
	if (unit_path(c, out->unit_id, out->unit_path, sizeof out->unit_path, e) < 0)
		return -1;
	if (!strcmp(demo_units[ui].kind, "department") && actor_has(out, AUTH_JURISDICTION_ROLES))
		return auth_jurisdiction(c, out->unit_id, out->unit_path, sizeof out->unit_path, e);
	return 0;
}

/* The working-day calendar as the database has it (office hours, holidays and make-up
 * days of every year the history touches), so that units work when deadlines count. */
static int load_calendar(store_conn *c, runner *r, err *e)
{
	char iso[40];
	clock_format_iso(r->start, iso, sizeof iso);
	int from = atoi(iso);
	clock_format_iso(r->now, iso, sizeof iso);
	int to = atoi(iso);
	calendar_free(r->cal);
	r->cal = NULL;
	for (int y = from; y <= to; y++) {
		json_t *o;
		if (calendar_days_year(c, y, &o, e) < 0)
			return -1;
		if (!r->cal)
			r->cal = calendar_new(
				(int)json_integer_value(json_object_get(o, "office_start")),
				(int)json_integer_value(json_object_get(o, "office_end")));
		if (!r->cal)
			r->cal = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
		size_t k;
		json_t *d;
		json_array_foreach(json_object_get(o, "items"), k, d)
		{
			json_t *name = json_object_get(d, "name");
			calendar_set_day(r->cal, json_string_value(json_object_get(d, "date")),
					 json_is_true(json_object_get(d, "workday")),
					 json_is_string(name) ? json_string_value(name) : NULL,
					 NULL);
		}
		json_decref(o);
	}
	return 0;
}

/* The staff's actors, the category ids and the calendar. */
static int tx_setup(store_conn *c, void *p, err *e)
{
	runner *r = p;
	r->nstaff = 0;
	r->nreaders = 0;
	for (size_t i = 0; i < demo_users_count; i++) {
		const struct demo_user *d = &demo_users[i];
		actor who;
		if (strcmp(d->username, "agent") && strcmp(d->username, "leader") &&
		    !strstr(d->roles, "unit_staff"))
			continue;
		if (actor_of(c, r, d, 0, &who, e) < 0)
			return -1;
		if (!strcmp(d->username, "agent"))
			r->agent = who;
		else if (!strcmp(d->username, "leader"))
			r->leader = who;
		else
			r->staff[r->nstaff++] = (staff){who.unit_id, who};
		r->readers[r->nreaders++] = who;
	}
	for (size_t i = 0; i < NEXTRA; i++) {
		actor who;
		if (actor_of(c, r, &extra_staff[i], 0, &who, e) < 0)
			return -1;
		r->staff[r->nstaff++] = (staff){who.unit_id, who};
		r->readers[r->nreaders++] = who;
	}
	json_t *cats;
	if (category_list(c, &cats, e) < 0)
		return -1;
	for (size_t m = 0; m < NMATTERS; m++) {
		r->matter_cat[m] = 0;
		size_t k;
		json_t *o;
		json_array_foreach(cats, k, o)
		{
			if (!strcmp(json_string_value(json_object_get(o, "code")), matters[m].cat))
				r->matter_cat[m] = json_integer_value(json_object_get(o, "id"));
		}
		if (!r->matter_cat[m]) {
			json_decref(cats);
			return err_set(e, ERR_INTERNAL, "demo_appeals", NULL, "演示分类 %s 不存在",
				       matters[m].cat);
		}
	}
	json_decref(cats);
	return load_calendar(c, r, e);
}

static int quiet_send(void *ctx, const char *phone, const char *body, err *e)
{
	(void)ctx, (void)phone, (void)body, (void)e;
	return 0;
}

/* The scheduler's SMS went out back then; the demo only marks them sent. */
static const sms_adapter quiet_sms = {"demo", quiet_send, NULL};

static int check_tables(void)
{
	for (size_t i = 0; i < NPLACES; i++)
		if (unit_index(places[i].unit) < 0 ||
		    ancestor_of_kind(places[i].unit, "county") < 0 ||
		    ancestor_of_kind(places[i].unit, "township") < 0)
			return -1;
	for (size_t i = 0; i < NEXTRA; i++)
		if (unit_index(extra_staff[i].unit_key) < 0)
			return -1;
	return 0;
}

static int run(runner *r, int64_t start, err *e)
{
	if (store_write(r->s, tx_setup, r, e) < 0)
		return -1;
	int64_t last_read = start, last_sms = start;
	for (int64_t w = start; w <= r->now;) {
		int64_t end = next_pass(w);
		if (end > r->now)
			end = r->now + 1;
		r->window_end = end;
		while (r->limit < r->n && r->v[r->limit].t < end)
			r->limit++;
		r->req_kept = r->nreq;
		if (store_write(r->s, tx_window, r, e) < 0)
			return -1;
		if (r->beside)
			r->beside->commit(r->beside->ctx);
		r->nundo = 0;
		int64_t at = r->stopped_at > r->now ? r->now : r->stopped_at;
		/* The pass sees every deadline gone by at `at`; those requests are met. */
		size_t kept = 0;
		for (size_t k = 0; k < r->nreq; k++)
			if (r->req_due[k] > at) {
				r->req_due[kept] = r->req_due[k];
				r->req_late[kept++] = r->req_late[k];
			}
		r->nreq = kept;
		clock_override(at);
		/* The outbox is drained once a demo week (the SMS went out back then). */
		bool drain = at - last_sms >= 7 * DAY || at == r->now;
		if (jobs_run_pass(r->s, drain ? &quiet_sms : NULL, at, e) < 0)
			return -1;
		if (drain)
			last_sms = at;
		if (at - last_read >= 7 * DAY && r->now - at > 2 * DAY) {
			if (store_write(r->s, tx_read, r, e) < 0)
				return -1;
			last_read = at;
		}
		if (at == r->now)
			break;
		w = at + 1;
	}
	return 0;
}

static bool appeals_skipped(void)
{
	const char *skip = getenv("YIWANG_DEMO_APPEALS");
	return skip && !strcmp(skip, "0");
}

/* The end of the history (now, or YIWANG_DEMO_NOW) and its start, 1 December of the year
 * before (China time). */
static int history_span(int64_t *start, int64_t *end, err *e)
{
	/* YIWANG_DEMO_NOW (an ISO time) ends the history elsewhere than now, to see the
	 * queues as a Monday morning or a night would leave them. */
	*end = clock_now_ms();
	const char *now_env = getenv("YIWANG_DEMO_NOW");
	if (now_env && clock_parse_iso(now_env, end) < 0)
		return err_set(e, ERR_INVALID, "invalid_time", "YIWANG_DEMO_NOW",
			       "YIWANG_DEMO_NOW 须为 ISO 时间");
	char iso[40], day[32];
	clock_format_iso(*end, iso, sizeof iso);
	snprintf(day, sizeof day, "%04d-12-01", (atoi(iso) - 1) % 10000);
	if (clock_parse_iso(day, start) < 0)
		return err_set(e, ERR_INTERNAL, "demo_clock", NULL, "无法确定演示数据的起始日期");
	return 0;
}

int demo_appeals_end(int64_t *end, err *e)
{
	int64_t start;
	return history_span(&start, end, e);
}

int demo_appeals_staff(store_conn *c, const int64_t *unit_ids, const char *password_hash, err *e)
{
	if (appeals_skipped())
		return 0;
	if (check_tables() < 0)
		return err_set(e, ERR_INTERNAL, "demo_data", NULL, "演示诉求引用了不存在的单位");
	actor sys;
	actor_system(&sys, "demo");
	for (size_t i = 0; i < NEXTRA; i++) {
		const struct demo_user *d = &extra_staff[i];
		user_input in = {.username = d->username,
				 .display_name = d->display_name,
				 .password_hash = password_hash,
				 .unit_id = unit_ids[unit_index(d->unit_key)],
				 .roles = role_parse(d->roles),
				 .phone = d->phone};
		int64_t id;
		if (user_create(c, &sys, &in, &id, e) < 0)
			return -1;
	}
	return 0;
}

int demo_appeals_build(store *s, const int64_t *unit_ids, const demo_beside *beside, err *e)
{
	if (appeals_skipped())
		return 0;
	if (check_tables() < 0)
		return err_set(e, ERR_INTERNAL, "demo_data", NULL, "演示诉求引用了不存在的单位");
	runner r = {.s = s, .unit_ids = unit_ids, .beside = beside};
	int64_t start;
	if (history_span(&start, &r.now, e) < 0)
		return -1;
	r.start = start;
	for (size_t i = 0; i < NPLACES; i++) {
		int ci = ancestor_of_kind(places[i].unit, "county");
		r.place_unit[i] = unit_ids[unit_index(places[i].unit)];
		r.place_township[i] = unit_ids[ancestor_of_kind(places[i].unit, "township")];
		r.place_county[i] = unit_ids[ci];
		r.place_county_index[i] = ci;
	}
	planner pl = {.rng = rnd_seed(8890)};
	plan_year(&pl, start, r.now);
	r.v = pl.v;
	r.n = pl.n;
	r.saved_gen = xcalloc(r.n + 1, sizeof *r.saved_gen);
	r.undo = xcalloc(r.n + 1, sizeof *r.undo);
	r.undo_idx = xcalloc(r.n + 1, sizeof *r.undo_idx);
	r.heap = xcalloc(r.n + 1, sizeof *r.heap);
	r.staff = xcalloc(demo_users_count + NEXTRA, sizeof *r.staff);
	r.readers = xcalloc(demo_users_count + NEXTRA, sizeof *r.readers);
	int rc = run(&r, start, e);
	clock_override(0);
	calendar_free(r.cal);
	free(r.v);
	free(r.saved_gen);
	free(r.undo);
	free(r.undo_idx);
	free(r.heap);
	free(r.staff);
	free(r.readers);
	free(r.req_due);
	free(r.req_late);
	return rc;
}
