package i18n

// The console's data page lists removed campaigns whose signatures are
// still stored, kept apart from any new campaign of the same name
// (store.Removals, internal/console/data.go); a supporter's own data page
// names such a signature's campaign (internal/web/data.go). A signature
// waiting on a removed campaign cannot be approved from the moderation
// page (store.ErrRemovedCampaign, internal/console/moderation.go).
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.err.moderate.removed": "One of those signatures belongs to a campaign whose file was removed, so it cannot be approved: approving would count it, and show the name, for a letter that is no longer there. Nothing was changed. You can still reject it. If the campaign is back and is the same letter, ask whoever runs the server to move its signatures back (placard signatures move); then reload the page.",
			"data.removed":                 "{name} (a campaign since removed)",
			"console.removed":              "Removed campaigns",
			"console.removed.text":         "These campaigns' files were removed, but the signatures people gave them are still stored. They are kept apart from any new campaign given the same name: its page neither counts nor shows them. Download them here, or erase a person's signatures on request below; they are erased when the retention after the removal runs out. If one of these campaigns is back and is the same campaign, ask whoever runs the server to move its signatures back (placard signatures move).",
			"console.removed.row":          "{name}, removed on {date}, kept as {kept}, signatures: {n}",
		},
		"fr": {
			"console.err.moderate.removed": "L'une de ces signatures appartient à une campagne dont le fichier a été supprimé : elle ne peut donc pas être approuvée, car l'approuver la compterait, et afficherait le nom, pour une lettre qui n'existe plus. Rien n'a été modifié. Vous pouvez toujours la refuser. Si la campagne est revenue et qu'il s'agit de la même lettre, demandez à la personne qui gère le serveur d'y rattacher ses signatures (placard signatures move), puis rechargez la page.",
			"data.removed":                 "{name} (une campagne supprimée depuis)",
			"console.removed":              "Campagnes supprimées",
			"console.removed.text":         "Les fichiers de ces campagnes ont été supprimés, mais les signatures que des personnes leur ont données sont toujours conservées. Elles sont tenues à l'écart de toute nouvelle campagne portant le même nom : sa page ne les compte ni ne les affiche. Téléchargez-les ici, ou effacez sur demande les signatures d'une personne ci-dessous ; elles sont effacées à la fin de la durée de conservation qui suit la suppression. Si l'une de ces campagnes revient et qu'il s'agit de la même, demandez à la personne qui gère le serveur d'y rattacher ses signatures (placard signatures move).",
			"console.removed.row":          "{name}, supprimée le {date}, conservée sous {kept}, signatures : {n}",
		},
		"de": {
			"console.err.moderate.removed": "Eine dieser Unterschriften gehört zu einer Kampagne, deren Datei entfernt wurde, daher kann sie nicht freigegeben werden: Eine Freigabe würde sie zählen und den Namen zeigen, für einen Brief, den es nicht mehr gibt. Nichts wurde geändert. Ablehnen können Sie sie weiterhin. Ist die Kampagne zurück und derselbe Brief, bitten Sie die Person, die den Server betreibt, ihre Unterschriften zurückzuverschieben (placard signatures move), und laden Sie dann die Seite neu.",
			"data.removed":                 "{name} (eine inzwischen entfernte Kampagne)",
			"console.removed":              "Entfernte Kampagnen",
			"console.removed.text":         "Die Dateien dieser Kampagnen wurden entfernt, aber die Unterschriften, die Menschen für sie gegeben haben, sind noch gespeichert. Sie werden von jeder neuen Kampagne mit demselben Namen getrennt gehalten: deren Seite zählt und zeigt sie nicht. Laden Sie sie hier herunter oder löschen Sie unten auf Anfrage die Unterschriften einer Person; sie werden gelöscht, wenn die Aufbewahrungsfrist nach dem Entfernen abläuft. Ist eine dieser Kampagnen zurück und dieselbe Kampagne, bitten Sie die Person, die den Server betreibt, ihre Unterschriften zurückzuverschieben (placard signatures move).",
			"console.removed.row":          "{name}, entfernt am {date}, aufbewahrt als {kept}, Unterschriften: {n}",
		},
		"es": {
			"console.err.moderate.removed": "Una de esas firmas pertenece a una campaña cuyo archivo se eliminó, así que no se puede aprobar: aprobarla la contaría, y mostraría el nombre, para una carta que ya no existe. No se cambió nada. Aún puedes rechazarla. Si la campaña ha vuelto y es la misma carta, pide a quien administra el servidor que le devuelva sus firmas (placard signatures move) y luego recarga la página.",
			"data.removed":                 "{name} (una campaña eliminada desde entonces)",
			"console.removed":              "Campañas eliminadas",
			"console.removed.text":         "Los archivos de estas campañas se eliminaron, pero las firmas que la gente les dio siguen guardadas. Se mantienen aparte de cualquier campaña nueva con el mismo nombre: su página no las cuenta ni las muestra. Descárgalas aquí, o borra abajo las firmas de una persona que lo pida; se borran cuando termina el plazo de conservación tras la eliminación. Si una de estas campañas vuelve y es la misma, pide a quien administra el servidor que le devuelva sus firmas (placard signatures move).",
			"console.removed.row":          "{name}, eliminada el {date}, guardada como {kept}, firmas: {n}",
		},
		"ar": {
			"console.err.moderate.removed": "أحد هذه التوقيعات يخصّ حملة حُذف ملفها، لذا لا يمكن الموافقة عليه: فالموافقة ستحسبه وتعرض الاسم لرسالة لم تعد موجودة. لم يتغيّر شيء. ما زال بإمكانك رفضه. إذا عادت الحملة وكانت الرسالة نفسها، فاطلب ممن يدير الخادم أن يعيد إليها توقيعاتها (placard signatures move)، ثم أعد تحميل الصفحة.",
			"data.removed":                 "{name} (حملة حُذفت منذ ذلك الحين)",
			"console.removed":              "الحملات المحذوفة",
			"console.removed.text":         "حُذفت ملفات هذه الحملات، لكن التوقيعات التي قدّمها الناس لها ما زالت محفوظة. وهي معزولة عن أي حملة جديدة تحمل الاسم نفسه: فصفحتها لا تحسبها ولا تعرضها. نزّلها من هنا، أو امحُ توقيعات شخص عند طلبه أدناه؛ وتُمحى عند انتهاء مدة الاحتفاظ بعد الحذف. إذا عادت إحدى هذه الحملات وكانت الحملة نفسها، فاطلب ممن يدير الخادم أن يعيد إليها توقيعاتها (placard signatures move).",
			"console.removed.row":          "{name}، حُذفت في {date}، محفوظة باسم {kept}، التوقيعات: {n}",
		},
		"he": {
			"console.err.moderate.removed": "אחת החתימות האלה שייכת לקמפיין שהקובץ שלו הוסר, ולכן אי אפשר לאשר אותה: אישור היה סופר אותה ומציג את השם עבור מכתב שכבר אינו קיים. לא שונה דבר. עדיין אפשר לדחות אותה. אם הקמפיין חזר והוא אותו מכתב, בקשו ממי שמפעיל את השרת להחזיר אליו את החתימות (placard signatures move), ואז טענו מחדש את הדף.",
			"data.removed":                 "{name} (קמפיין שהוסר מאז)",
			"console.removed":              "קמפיינים שהוסרו",
			"console.removed.text":         "הקבצים של הקמפיינים האלה הוסרו, אבל החתימות שאנשים נתנו להם עדיין שמורות. הן מוחזקות בנפרד מכל קמפיין חדש בעל אותו שם: הדף שלו לא סופר ולא מציג אותן. הורידו אותן כאן, או מחקו למטה לפי בקשה את החתימות של אדם; הן נמחקות כשתקופת השמירה שלאחר ההסרה מסתיימת. אם אחד הקמפיינים האלה חזר והוא אותו קמפיין, בקשו ממי שמפעיל את השרת להחזיר אליו את החתימות (placard signatures move).",
			"console.removed.row":          "{name}, הוסר ב-{date}, נשמר בשם {kept}, חתימות: {n}",
		},
	})
}
