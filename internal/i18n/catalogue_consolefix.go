package i18n

// The console's fixes (internal/console): a viewer's moderation page with
// counts instead of people.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.moderation.viewer":  "As a viewer, you see how many signatures wait for approval on each campaign, not who signed. An editor of your organisation decides them.",
			"console.moderation.waiting": "Waiting for approval",
		},
		"fr": {
			"console.moderation.viewer":  "En tant que lecteur, vous voyez combien de signatures attendent une approbation pour chaque campagne, mais pas qui a signé. Un éditeur de votre organisation en décide.",
			"console.moderation.waiting": "En attente d'approbation",
		},
		"de": {
			"console.moderation.viewer":  "Als Leser sehen Sie, wie viele Unterschriften je Kampagne auf Freigabe warten, aber nicht, wer unterschrieben hat. Darüber entscheidet ein Bearbeiter Ihrer Organisation.",
			"console.moderation.waiting": "Warten auf Freigabe",
		},
		"es": {
			"console.moderation.viewer":  "Como lector, ves cuántas firmas esperan aprobación en cada campaña, pero no quién firmó. Las decide un editor de tu organización.",
			"console.moderation.waiting": "Esperando aprobación",
		},
		"ar": {
			"console.moderation.viewer":  "بصفتك مُطّلعًا، ترى عدد التوقيعات التي تنتظر الموافقة في كل حملة، لا أسماء من وقّعوا. يقرّر فيها محرّر من منظمتك.",
			"console.moderation.waiting": "بانتظار الموافقة",
		},
		"he": {
			"console.moderation.viewer":  "כצופה, אתם רואים כמה חתימות ממתינות לאישור בכל קמפיין, ולא מי חתם. עורך בארגון שלכם מחליט עליהן.",
			"console.moderation.waiting": "ממתינות לאישור",
		},
	})
}
