package i18n

// Sign forms caught by the form's trap, a field people never see (the
// honeypot; store.Traps): answered as signed, nothing of them stored. The
// console's dashboard counts them per campaign as bots turned away, so
// organisers see the figure; there is nothing for them to do about it.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.dashboard.bots": "Bots turned away: {n}. These forms filled in a field people never see, as programs do. They were answered as if signed, nothing of them was stored, and they are in no count of signatures. Nothing to do.",
		},
		"fr": {
			"console.dashboard.bots": "Robots écartés : {n}. Ces formulaires ont rempli un champ que personne ne voit, comme le font les programmes. Ils ont reçu la même réponse qu'une signature, rien n'en a été enregistré et ils ne figurent dans aucun décompte de signatures. Rien à faire.",
		},
		"de": {
			"console.dashboard.bots": "Abgewiesene Bots: {n}. Diese Formulare haben ein Feld ausgefüllt, das Menschen nie sehen, wie es Programme tun. Sie erhielten dieselbe Antwort wie eine Unterschrift, nichts davon wurde gespeichert, und sie sind in keiner Zahl der Unterschriften enthalten. Nichts zu tun.",
		},
		"es": {
			"console.dashboard.bots": "Bots rechazados: {n}. Estos formularios rellenaron un campo que las personas nunca ven, como hacen los programas. Recibieron la misma respuesta que una firma, no se guardó nada de ellos y no cuentan en ningún recuento de firmas. No hay nada que hacer.",
		},
		"ar": {
			"console.dashboard.bots": "برامج آلية صُدّت: {n}. ملأت هذه النماذج حقلًا لا يراه الناس، كما تفعل البرامج. أُجيبت كما لو أنها وُقّعت، ولم يُحفظ منها شيء، ولا تدخل في أي عدد للتوقيعات. لا شيء عليك فعله.",
		},
		"he": {
			"console.dashboard.bots": "בוטים שנדחו: {n}. הטפסים האלה מילאו שדה שאנשים אינם רואים, כפי שתוכנות עושות. הם נענו כאילו נחתמו, דבר מהם לא נשמר, והם אינם נכללים באף ספירה של חתימות. אין צורך לעשות דבר.",
		},
	})
}
