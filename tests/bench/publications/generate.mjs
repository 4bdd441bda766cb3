// SPDX-License-Identifier: AGPL-3.0-or-later
// tests/bench/publications/generate.mjs: the data set of tests/bench/publications.sh, written as a
// demo folder that `official-srv demo load DIR` loads through the real write path:
//   DIR/publications.json          projects and deliberations (modules/publications/src/demo_publication.c)
//   DIR/budgets/<type>-<year>.csv  budget documents' lines (modules/budgets/src/demo_budget.c)
//   DIR/budgets/documents.json     their titles and summaries
// Texts are French and Arabic sentences of the kind a commune publishes, so that full-text search
// meets realistic documents; a seeded generator makes the same data on every run.
//
// usage: node generate.mjs DIR [--projects N] [--deliberations N] [--budgets N] [--lines N]
//                              [--seed N]
// Prints one line "GENERATED projects=.. deliberations=.. budgets=.. lines=.. bytes=..".

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const opts = { projects: 2000, deliberations: 1000, budgets: 50, lines: 300, seed: 1 };
const args = process.argv.slice(2);
const dir = args.shift();
if (!dir || dir.startsWith("--")) {
	process.stderr.write(
		"usage: generate.mjs DIR [--projects N] [--deliberations N] [--budgets N] [--lines N] [--seed N]\n",
	);
	process.exit(2);
}
while (args.length) {
	const name = args.shift().replace(/^--/, "");
	const value = Number(args.shift());
	if (!(name in opts) || !Number.isInteger(value) || value < 0) {
		process.stderr.write(`generate.mjs: bad option --${name}\n`);
		process.exit(2);
	}
	opts[name] = value;
}
// one document of each type a year, going back from 2025 (years start at 2000): 2 + 3 * 25
if (opts.budgets > 77) {
	process.stderr.write("generate.mjs: at most 77 budget documents\n");
	process.exit(2);
}
// 100 deliberations a year, going back from 2025
if (opts.deliberations > 5000) {
	process.stderr.write("generate.mjs: at most 5000 deliberations\n");
	process.exit(2);
}

// mulberry32: small, seeded, good enough for test data
let state = opts.seed >>> 0;
function random() {
	state = (state + 0x6d2b79f5) >>> 0;
	let t = state;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (list) => list[Math.floor(random() * list.length)];
const pad = (n, w) => String(n).padStart(w, "0");
const date = (y, m, d) => `${y}-${pad(m, 2)}-${pad(d, 2)}`;
const money = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, " ");

const QUARTERS = [
	{ code: "centre", fr: "Centre", ar: "وسط المدينة" },
	{ code: "cite500", fr: "Cité 500 Logements", ar: "حي 500 مسكن" },
	{ code: "tighilt", fr: "Tighilt", ar: "تيغيلت" },
	{ code: "elamel", fr: "Haï El Amel", ar: "حي الأمل" },
	{ code: "zone_activites", fr: "Zone d'activités", ar: "منطقة النشاطات" },
];

// ---- projects ----

const PROJECT_KINDS = [
	{
		category: "voirie",
		fr: (n, q) => `Réfection de la chaussée et des trottoirs de la rue ${n}, ${q}`,
		ar: (n, q) => `إعادة تهيئة الطريق والأرصفة بالشارع رقم ${n}، ${q}`,
		dfr: "Reprise de la chaussée en enrobé, bordures et trottoirs neufs, avaloirs curés et signalisation horizontale refaite.",
		dar: "إعادة تزفيت الطريق وتجديد الحواف والأرصفة وتنظيف البالوعات وإعادة رسم الإشارات الأرضية.",
	},
	{
		category: "eclairage",
		fr: (n, q) => `Éclairage public LED, tranche ${n}, ${q}`,
		ar: (n, q) => `الإنارة العمومية بتقنية LED، الشطر ${n}، ${q}`,
		dfr: "Remplacement des lampes au sodium par des luminaires LED et pose d'armoires de commande avec horloge astronomique.",
		dar: "استبدال مصابيح الصوديوم بمصابيح LED وتركيب خزائن تحكم بساعة فلكية.",
	},
	{
		category: "assainissement",
		fr: (n, q) => `Extension du réseau d'assainissement, lot ${n}, ${q}`,
		ar: (n, q) => `توسيع شبكة التطهير، الحصة ${n}، ${q}`,
		dfr: "Pose de collecteurs en PEHD, regards de visite et raccordement des habitations au réseau public.",
		dar: "وضع قنوات صرف من البولي إيثيلين وفتحات المراقبة وربط المساكن بالشبكة العمومية.",
	},
	{
		category: "eau",
		fr: (n, q) => `Renouvellement de la conduite d'eau potable, lot ${n}, ${q}`,
		ar: (n, q) => `تجديد قناة الماء الشروب، الحصة ${n}، ${q}`,
		dfr: "Remplacement des conduites vétustes en fonte grise, réduction des fuites et des coupures, en coordination avec l'unité de l'eau.",
		dar: "استبدال القنوات القديمة وتقليص التسربات والانقطاعات بالتنسيق مع وحدة الجزائرية للمياه.",
	},
	{
		category: "education",
		fr: (n, q) => `Réhabilitation de l'école primaire n° ${n}, ${q}`,
		ar: (n, q) => `إعادة تأهيل المدرسة الابتدائية رقم ${n}، ${q}`,
		dfr: "Étanchéité des terrasses, peinture des classes, sanitaires refaits et équipement de la cantine scolaire.",
		dar: "عزل الأسطح وطلاء الأقسام وتجديد المرافق الصحية وتجهيز المطعم المدرسي.",
	},
	{
		category: "espaces_verts",
		fr: (n, q) => `Aménagement de l'espace vert et de l'aire de jeux n° ${n}, ${q}`,
		ar: (n, q) => `تهيئة المساحة الخضراء وفضاء اللعب رقم ${n}، ${q}`,
		dfr: "Plantation d'arbres, bancs, jeux pour enfants aux normes et arrosage goutte-à-goutte.",
		dar: "غرس الأشجار ووضع المقاعد وألعاب أطفال مطابقة للمعايير والسقي بالتقطير.",
	},
	{
		category: "equipements",
		fr: (n, q) => `Construction de la salle polyvalente n° ${n}, ${q}`,
		ar: (n, q) => `إنجاز القاعة متعددة الخدمات رقم ${n}، ${q}`,
		dfr: "Salle de 300 m² pour les associations, la jeunesse et les activités culturelles du quartier.",
		dar: "قاعة بمساحة 300 م² للجمعيات والشباب والنشاطات الثقافية للحي.",
	},
	{
		category: "autre",
		fr: (n, q) => `Signalétique et numérotation des rues, lot ${n}, ${q}`,
		ar: (n, q) => `لافتات الشوارع وترقيمها، الحصة ${n}، ${q}`,
		dfr: "Plaques de rues bilingues, numérotation des habitations et panneaux d'orientation.",
		dar: "لافتات شوارع بلغتين وترقيم المساكن ولوحات التوجيه.",
	},
];
const STATUSES = ["etude", "programme", "en_cours", "en_cours", "en_cours", "livre", "livre", "suspendu"];
const FUNDINGS = [
	{ code: "budget_communal", fr: "le budget communal", ar: "ميزانية البلدية" },
	{ code: "pcd", fr: "le plan communal de développement (PCD)", ar: "المخطط البلدي للتنمية" },
	{ code: "wilaya", fr: "le budget de la wilaya", ar: "ميزانية الولاية" },
	{ code: "etat", fr: "un programme sectoriel de l'État", ar: "برنامج قطاعي للدولة" },
];

function project(i) {
	const kind = PROJECT_KINDS[i % PROJECT_KINDS.length];
	const q = pick(QUARTERS);
	const n = i + 1;
	const status = pick(STATUSES);
	const funding = pick(FUNDINGS);
	const progress =
		status === "etude" || status === "programme" ? 0 : status === "livre" ? 100 : int(5, 95);
	const budget = int(20, 900) * 100000;
	const year = int(2019, 2025);
	const start = date(year, int(1, 12), int(1, 28));
	const end = date(year + int(1, 2), int(1, 12), int(1, 28));
	const data = {
		title: { ar: kind.ar(n, q.ar), fr: kind.fr(n, q.fr) },
		description: {
			ar: `${kind.dar}\n\nالتكلفة ${money(budget)} دج، ممولة من ${funding.ar}. مدة الإنجاز المتوقعة ${int(4, 18)} شهرا، ويتابع المشروع مكتب الدراسات التقنية للبلدية.\n\n- الموقع: ${q.ar}\n- صاحب المشروع: بلدية تيزيري`,
			fr: `${kind.dfr}\n\nCoût : ${money(budget)} DA, financé par ${funding.fr}. Délai prévu : ${int(4, 18)} mois, sous le suivi du bureau technique de la commune.\n\n- Lieu : ${q.fr}\n- Maître d'ouvrage : commune de Tiziri`,
		},
		category: kind.category,
		quarter: q.code,
		status,
		progress,
		budget_da: budget,
		funding: funding.code,
		start_date: start,
		end_date: end,
		lat_micro: 36716900 + int(-9000, 9000),
		lon_micro: 4049700 + int(-9000, 9000),
	};
	const steps = status === "etude" ? 0 : status === "programme" ? 1 : int(1, 4);
	if (steps) {
		const texts = [
			{ fr: "Marché attribué après appel d'offres", ar: "منح الصفقة بعد طلب العروض" },
			{ fr: "Ouverture du chantier", ar: "انطلاق الأشغال" },
			{ fr: "Gros œuvre terminé", ar: "انتهاء الأشغال الكبرى" },
			{ fr: "Réception provisoire", ar: "الاستلام المؤقت" },
		];
		data.milestones = texts.slice(0, steps).map((t, k) => ({
			date: date(year, Math.min(12, 1 + k * 3), int(1, 28)),
			text: t,
		}));
	}
	return { kind: "project", data };
}

// ---- deliberations ----
// Each topic says whether it involves the budget: those texts name it ("budget" / "الميزانية"),
// the others do not, so a search for it finds the realistic share of them and not every one.

const VISAS_FR = [
	"Vu la loi n° 11-10 du 22 juin 2011 relative à la commune ;",
	"Vu le décret exécutif n° 16-190 du 30 juin 2016 fixant les modalités de consultation des extraits des délibérations et des arrêtés communaux ;",
	"Vu la loi n° 90-21 du 15 août 1990 relative à la comptabilité publique ;",
];
const VISAS_AR = [
	"بمقتضى القانون رقم 11-10 المؤرخ في 22 جوان 2011 المتعلق بالبلدية؛",
	"وبمقتضى المرسوم التنفيذي رقم 16-190 المؤرخ في 30 جوان 2016 الذي يحدد كيفيات الاطلاع على مستخرجات مداولات المجلس الشعبي البلدي والقرارات البلدية؛",
	"وبمقتضى القانون رقم 90-21 المؤرخ في 15 أوت 1990 المتعلق بالمحاسبة العمومية؛",
];

const TOPICS = [
	{
		budget: true,
		fr: (y) => `Adoption du budget primitif de l'exercice ${y}`,
		ar: (y) => `المصادقة على الميزانية الأولية لسنة ${y}`,
		sfr: (y, a) => `Le budget primitif ${y} s'équilibre à ${money(a)} DA en recettes et en dépenses, sections de fonctionnement et d'équipement réunies.`,
		sar: (y, a) => `تتوازن الميزانية الأولية لسنة ${y} إيرادات ونفقات بمبلغ ${money(a)} دج، بقسميها التسيير والتجهيز.`,
		afr: "adopte le budget primitif tel qu'annexé à la présente délibération",
		aar: "يصادق على الميزانية الأولية كما هي ملحقة بهذه المداولة",
	},
	{
		budget: true,
		fr: (y) => `Adoption du budget supplémentaire de l'exercice ${y}`,
		ar: (y) => `المصادقة على الميزانية الإضافية لسنة ${y}`,
		sfr: (y, a) => `Le budget supplémentaire ${y} ouvre ${money(a)} DA de crédits nouveaux, dont le report de l'excédent de l'exercice précédent.`,
		sar: (y, a) => `تفتح الميزانية الإضافية لسنة ${y} اعتمادات جديدة بمبلغ ${money(a)} دج منها ترحيل فائض السنة المالية السابقة.`,
		afr: "adopte le budget supplémentaire et la reprise des résultats",
		aar: "يصادق على الميزانية الإضافية وعلى إدراج النتائج",
	},
	{
		budget: true,
		fr: (y) => `Virement de crédits au sein de la section de fonctionnement du budget ${y}`,
		ar: (y) => `تحويل اعتمادات داخل قسم التسيير من الميزانية لسنة ${y}`,
		sfr: (y, a) => `Un virement de ${money(a)} DA est opéré de l'article des dépenses imprévues vers l'entretien des voies communales.`,
		sar: (y, a) => `يتم تحويل مبلغ ${money(a)} دج من مادة النفقات غير المتوقعة إلى صيانة الطرق البلدية.`,
		afr: "approuve le virement de crédits, sans modifier l'équilibre du budget",
		aar: "يوافق على تحويل الاعتمادات دون المساس بتوازن الميزانية",
	},
	{
		budget: true,
		fr: (y) => `Attribution de subventions aux associations sportives et culturelles pour ${y}`,
		ar: (y) => `منح إعانات للجمعيات الرياضية والثقافية لسنة ${y}`,
		sfr: (y, a) => `Une enveloppe de ${money(a)} DA, inscrite au budget communal, est répartie entre les associations agréées selon leurs programmes.`,
		sar: (y, a) => `يوزع غلاف مالي قدره ${money(a)} دج مسجل في الميزانية البلدية على الجمعيات المعتمدة حسب برامجها.`,
		afr: "attribue les subventions selon le tableau annexé",
		aar: "يمنح الإعانات حسب الجدول الملحق",
	},
	{
		budget: false,
		fr: () => `Dénomination d'une voie nouvelle`,
		ar: () => `تسمية طريق جديد`,
		sfr: () => `Sur proposition de la commission de l'urbanisme, la voie reliant le quartier au boulevard principal porte le nom d'un chahid de la commune.`,
		sar: () => `باقتراح من لجنة العمران، يحمل الطريق الرابط بين الحي والشارع الرئيسي اسم أحد شهداء البلدية.`,
		afr: "approuve la dénomination proposée et sa transmission au wali",
		aar: "يوافق على التسمية المقترحة وإرسالها إلى الوالي",
	},
	{
		budget: false,
		fr: () => `Convention de collecte et de transport des déchets ménagers`,
		ar: () => `اتفاقية جمع ونقل النفايات المنزلية`,
		sfr: () => `La convention confie la collecte quotidienne des déchets ménagers à l'établissement public de wilaya, avec un circuit par quartier.`,
		sar: () => `تسند الاتفاقية الجمع اليومي للنفايات المنزلية إلى المؤسسة العمومية الولائية، مع مسار لكل حي.`,
		afr: "autorise le président de l'APC à signer la convention",
		aar: "يرخص لرئيس المجلس الشعبي البلدي بإمضاء الاتفاقية",
	},
	{
		budget: false,
		fr: () => `Création de postes au tableau des effectifs de la commune`,
		ar: () => `إحداث مناصب في جدول تعداد مستخدمي البلدية`,
		sfr: () => `Deux postes d'agents d'entretien et un poste d'ingénieur en génie civil sont créés pour le service technique.`,
		sar: () => `يحدث منصبان لأعوان الصيانة ومنصب مهندس في الهندسة المدنية للمصلحة التقنية.`,
		afr: "approuve la création des postes et la mise à jour du tableau des effectifs",
		aar: "يوافق على إحداث المناصب وتحيين جدول التعداد",
	},
	{
		budget: false,
		fr: () => `Fixation des tarifs d'occupation du marché de proximité`,
		ar: () => `تحديد تسعيرة شغل السوق الجواري`,
		sfr: () => `Les droits de place du marché de proximité sont fixés par mètre carré et par mois, avec une réduction pour les jeunes artisans.`,
		sar: () => `تحدد حقوق شغل السوق الجواري بالمتر المربع وبالشهر، مع تخفيض للحرفيين الشباب.`,
		afr: "fixe les tarifs selon le barème annexé",
		aar: "يحدد التسعيرة وفق السلم الملحق",
	},
	{
		budget: false,
		fr: () => `Inscription d'opérations au plan communal de développement`,
		ar: () => `تسجيل عمليات في المخطط البلدي للتنمية`,
		sfr: () => `Les opérations d'aménagement urbain et d'alimentation en eau potable des quartiers sont proposées à l'inscription au PCD.`,
		sar: () => `تقترح عمليات التهيئة الحضرية والتزويد بالماء الشروب للأحياء للتسجيل في المخطط البلدي للتنمية.`,
		afr: "approuve la liste des opérations proposées",
		aar: "يوافق على قائمة العمليات المقترحة",
	},
	{
		budget: false,
		fr: () => `Location d'un local communal à usage commercial`,
		ar: () => `تأجير محل بلدي للاستعمال التجاري`,
		sfr: () => `Le local situé au rez-de-chaussée du marché couvert est loué aux enchères publiques pour une durée de trois ans.`,
		sar: () => `يؤجر المحل الواقع في الطابق الأرضي للسوق المغطاة بالمزاد العلني لمدة ثلاث سنوات.`,
		afr: "autorise la location aux enchères selon le cahier des charges",
		aar: "يرخص بالتأجير بالمزاد العلني وفق دفتر الشروط",
	},
];

const OUTCOMES = ["adoptee", "adoptee", "adoptee", "adoptee", "adoptee", "adoptee", "rejetee", "reportee"];
const SESSION_MONTHS = [1, 3, 5, 7, 9, 11];

function deliberation(i, perYear, firstYear) {
	const year = firstYear + Math.floor(i / perYear);
	const seq = (i % perYear) + 1;
	const number = `${year}/${pad(seq, 3)}`;
	const topic = TOPICS[int(0, TOPICS.length - 1)];
	const amount = int(5, 900) * 100000;
	const month = SESSION_MONTHS[Math.min(SESSION_MONTHS.length - 1, Math.floor(((seq - 1) * 6) / perYear))];
	const votesFor = int(12, 23);
	const against = int(0, 23 - votesFor);
	const abst = int(0, 23 - votesFor - against);
	const outcome = pick(OUTCOMES);
	const sfr = topic.sfr(year, amount);
	const sar = topic.sar(year, amount);
	const chapter = `${int(60, 69)}`;
	const tfr = [
		...VISAS_FR,
		`Vu le rapport présenté par la commission des finances et de l'économie lors de la session de ${year} ;`,
		"",
		`${sfr} Les membres ont débattu des besoins exprimés par les habitants et les services.`,
		"",
		`L'assemblée populaire communale, après en avoir délibéré, par ${votesFor} voix pour, ${against} contre et ${abst} abstentions :`,
		"",
		`**Article 1er.** L'assemblée ${topic.afr}.`,
		"",
		topic.budget
			? `**Article 2.** Les dépenses correspondantes sont imputées au budget communal de l'exercice ${year}, chapitre ${chapter}.`
			: `**Article 2.** Le secrétaire général de la commune est chargé de l'exécution de la présente délibération.`,
		"",
		`**Article 3.** La présente délibération est affichée au siège de la commune et publiée sur le site officiel.`,
	].join("\n");
	const tar = [
		...VISAS_AR,
		`وبناء على تقرير لجنة المالية والاقتصاد خلال دورة سنة ${year}؛`,
		"",
		`${sar} ناقش الأعضاء الاحتياجات التي عبر عنها السكان والمصالح.`,
		"",
		`إن المجلس الشعبي البلدي، بعد المداولة، بـ ${votesFor} صوتا مؤيدا و${against} معارضا و${abst} امتناعا:`,
		"",
		`**المادة الأولى.** ${topic.aar}.`,
		"",
		topic.budget
			? `**المادة 2.** تقيد النفقات المترتبة على الميزانية البلدية للسنة المالية ${year}، الباب ${chapter}.`
			: `**المادة 2.** يكلف الأمين العام للبلدية بتنفيذ هذه المداولة.`,
		"",
		`**المادة 3.** تعلق هذه المداولة بمقر البلدية وتنشر في الموقع الرسمي.`,
	].join("\n");
	return {
		kind: "deliberation",
		data: {
			number,
			title: { ar: `${topic.ar(year)} (${number})`, fr: `${topic.fr(year)} (n° ${number})` },
			session_date: date(year, month, int(5, 25)),
			summary: { ar: sar, fr: sfr },
			text: { ar: tar, fr: tfr },
			votes_for: votesFor,
			votes_against: against,
			abstentions: abst,
			outcome,
		},
	};
}

// ---- budgets ----

const FUNCTIONING = [
	["60", "Fournitures et consommations", "اللوازم والاستهلاكات", ["Fournitures de bureau", "اللوازم المكتبية"], ["Carburants et lubrifiants", "الوقود والزيوت"], ["Produits d'entretien", "مواد التنظيف"], ["Denrées des cantines scolaires", "المواد الغذائية للمطاعم المدرسية"]],
	["61", "Frais de personnel", "نفقات المستخدمين", ["Traitements et salaires", "الرواتب والأجور"], ["Indemnités et primes", "التعويضات والمنح"], ["Cotisations sociales", "الاشتراكات الاجتماعية"]],
	["62", "Impôts et taxes", "الضرائب والرسوم", ["Taxes foncières", "الرسوم العقارية"], ["Taxe d'assainissement", "رسم التطهير"]],
	["63", "Travaux et services extérieurs", "الأشغال والخدمات الخارجية", ["Électricité et gaz", "الكهرباء والغاز"], ["Eau", "الماء"], ["Collecte des déchets", "جمع النفايات"], ["Entretien des voies", "صيانة الطرق"], ["Entretien des bâtiments", "صيانة المباني"]],
	["64", "Participations et contingents", "المساهمات والحصص", ["Fonds de garantie des collectivités locales", "صندوق الضمان للجماعات المحلية"], ["Contribution au fonds de solidarité", "المساهمة في صندوق التضامن"]],
	["65", "Allocations et subventions", "المنح والإعانات", ["Aide sociale", "المساعدة الاجتماعية"], ["Subventions aux associations", "إعانات الجمعيات"], ["Transport scolaire", "النقل المدرسي"]],
	["66", "Charges financières", "الأعباء المالية", ["Intérêts des emprunts", "فوائد القروض"]],
	["67", "Charges exceptionnelles", "الأعباء الاستثنائية", ["Dépenses imprévues", "النفقات غير المتوقعة"], ["Contentieux", "المنازعات"]],
	["68", "Prélèvement pour dépenses d'équipement", "الاقتطاع لنفقات التجهيز", ["Prélèvement sur recettes de fonctionnement", "الاقتطاع من إيرادات التسيير"]],
];
const EQUIPMENT = [
	["90", "Voirie et réseaux divers", "الطرقات والشبكات المختلفة", ["Réfection de chaussée", "إعادة تهيئة الطريق"], ["Trottoirs et bordures", "الأرصفة والحواف"]],
	["91", "Éclairage public", "الإنارة العمومية", ["Luminaires LED", "مصابيح LED"], ["Armoires de commande", "خزائن التحكم"]],
	["92", "Assainissement", "التطهير", ["Collecteurs", "القنوات الرئيسية"], ["Avaloirs", "البالوعات"]],
	["93", "Eau potable", "الماء الشروب", ["Conduites", "القنوات"], ["Réservoirs", "الخزانات"]],
	["94", "Équipements scolaires", "التجهيزات المدرسية", ["Réhabilitation des écoles", "إعادة تأهيل المدارس"], ["Cantines", "المطاعم المدرسية"]],
	["95", "Espaces verts et loisirs", "المساحات الخضراء والترفيه", ["Aires de jeux", "فضاءات اللعب"], ["Plantations", "الغرس"]],
	["96", "Bâtiments communaux", "المباني البلدية", ["Salles polyvalentes", "القاعات متعددة الخدمات"], ["Siège de l'APC", "مقر المجلس الشعبي البلدي"]],
	["97", "Matériel et véhicules", "العتاد والمركبات", ["Véhicules utilitaires", "المركبات النفعية"], ["Matériel informatique", "العتاد الإعلامي"]],
];

const TYPE_NAMES = {
	bp: { fr: "Budget primitif", ar: "الميزانية الأولية" },
	bs: { fr: "Budget supplémentaire", ar: "الميزانية الإضافية" },
	ca: { fr: "Compte administratif", ar: "الحساب الإداري" },
};

function csvField(s) {
	return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// The document's lines: two thirds in the functioning section, a third in the equipment section,
// spread over the chapters; each article is its chapter's code and a running number.
function budgetCsv(type, year, count) {
	const rows = ["section,chapter,article,label,planned,executed"];
	const functioning = Math.ceil((count * 2) / 3);
	const current = year >= 2025;
	const rate = type === "ca" ? [80, 100] : current ? [20, 75] : [60, 100];
	let total = 0;
	for (let i = 0; i < count; i++) {
		const eq = i >= functioning;
		const chapters = eq ? EQUIPMENT : FUNCTIONING;
		const k = eq ? i - functioning : i;
		const n = eq ? count - functioning : functioning;
		const ch = chapters[Math.floor((k * chapters.length) / n)];
		const [fr, ar] = ch[3 + (k % (ch.length - 3))];
		const article = `${ch[0]}${pad((k % 97) + 1, 2)}`;
		const q = pick(QUARTERS);
		const label = `${fr}, ${q.fr} (${article}) — ${ar}، ${q.ar}`;
		const planned = int(1, 400) * 25000 * (type === "bs" ? 1 : 4);
		const executed = Math.round((planned * int(rate[0], rate[1])) / 100);
		total += planned;
		rows.push(
			[eq ? "equipement" : "fonctionnement", ch[0], article, csvField(label), money(planned), executed].join(","),
		);
	}
	return { csv: rows.join("\n") + "\n", total };
}

// ---- writing ----

mkdirSync(join(dir, "budgets"), { recursive: true });
const items = [];
for (let i = 0; i < opts.projects; i++) items.push(project(i));
const perYear = 100;
const years = Math.max(1, Math.ceil(opts.deliberations / perYear));
for (let i = 0; i < opts.deliberations; i++) items.push(deliberation(i, perYear, 2026 - years));
const json = JSON.stringify(items);
writeFileSync(join(dir, "publications.json"), json);
let bytes = Buffer.byteLength(json);

// bp, bs and ca of the most recent years, going back until there are enough documents (a
// compte administratif closes a year, so the current year has none)
const docs = {};
let made = 0;
for (let year = 2025; made < opts.budgets; year--) {
	for (const type of ["bp", "bs", "ca"]) {
		if (made === opts.budgets || (type === "ca" && year === 2025)) continue;
		const name = `${type}-${year}.csv`;
		const { csv, total } = budgetCsv(type, year, opts.lines);
		writeFileSync(join(dir, "budgets", name), csv);
		bytes += Buffer.byteLength(csv);
		const t = TYPE_NAMES[type];
		docs[name] = {
			title: { ar: `${t.ar} لسنة ${year}`, fr: `${t.fr} ${year}` },
			summary: {
				ar: `${t.ar} لبلدية تيزيري لسنة ${year}: ${money(total)} دج موزعة على ${opts.lines} بندا في قسمي التسيير والتجهيز.`,
				fr: `${t.fr} ${year} de la commune de Tiziri : ${money(total)} DA répartis sur ${opts.lines} lignes, sections de fonctionnement et d'équipement.`,
			},
		};
		made++;
	}
}
writeFileSync(join(dir, "budgets", "documents.json"), JSON.stringify(docs, null, "\t"));

process.stdout.write(
	`GENERATED projects=${opts.projects} deliberations=${opts.deliberations} budgets=${made} lines=${opts.lines} bytes=${bytes}\n`,
);
