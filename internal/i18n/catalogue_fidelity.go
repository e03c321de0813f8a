package i18n

// Strings of issue 13's part A: the banner serve --dev shows on a draft.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"layout.draft":      "Draft — not public.",
			"layout.draft.note": "You see this page because placard serve --dev is running. Set status: published when it is ready.",
		},
		"fr": {
			"layout.draft":      "Brouillon — non public.",
			"layout.draft.note": "Vous voyez cette page parce que placard serve --dev est lancé. Écrivez status: published quand elle est prête.",
		},
		"de": {
			"layout.draft":      "Entwurf – nicht öffentlich.",
			"layout.draft.note": "Sie sehen diese Seite, weil placard serve --dev läuft. Schreiben Sie status: published, wenn sie fertig ist.",
		},
		"es": {
			"layout.draft":      "Borrador: no es público.",
			"layout.draft.note": "Ve esta página porque placard serve --dev está en marcha. Escriba status: published cuando esté lista.",
		},
		"ar": {
			"layout.draft":      "مسودة — غير منشورة.",
			"layout.draft.note": "ترى هذه الصفحة لأن placard serve --dev قيد التشغيل. اكتب status: published حين تصبح جاهزة.",
		},
		"he": {
			"layout.draft":      "טיוטה — לא פומבית.",
			"layout.draft.note": "הדף מוצג לך כי placard serve --dev פועל. כתבו status: published כשהוא מוכן.",
		},
	})
}
