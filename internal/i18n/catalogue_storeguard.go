package i18n

// The audit entry of an organiser account merged with the account of
// another spelling of its address, keeping the weaker role
// (accounts.ActRoleMerged; internal/console/auditwords.go). {kept} and
// {other} are console.audit.role.* ("as viewer").
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.audit.act.role-merged": "kept the weaker role when two spellings of their address were merged (a site admin can give the other back)",
			"console.audit.role.merged":     "{kept}, not {other}",
		},
		"fr": {
			"console.audit.act.role-merged": "a gardé le rôle le plus restreint quand deux graphies de son adresse ont été réunies (un administrateur du site peut rendre l'autre)",
			"console.audit.role.merged":     "{kept}, et non {other}",
		},
		"de": {
			"console.audit.act.role-merged": "behielt die schwächere Rolle, als zwei Schreibweisen der eigenen Adresse zusammengeführt wurden (die Website-Verwaltung kann die andere zurückgeben)",
			"console.audit.role.merged":     "{kept}, nicht {other}",
		},
		"es": {
			"console.audit.act.role-merged": "conservó el rol más limitado al unirse dos grafías de su dirección (un administrador del sitio puede devolverle el otro)",
			"console.audit.role.merged":     "{kept}, no {other}",
		},
		"ar": {
			"console.audit.act.role-merged": "احتفظ بالدور الأضيق عند دمج كتابتين لعنوانه (يمكن لمدير الموقع إعادة الدور الآخر)",
			"console.audit.role.merged":     "{kept}، لا {other}",
		},
		"he": {
			"console.audit.act.role-merged": "נשאר/ה עם התפקיד המצומצם יותר כששני איותים של הכתובת אוחדו (מנהל/ת האתר יכול/ה להחזיר את האחר)",
			"console.audit.role.merged":     "{kept}, לא {other}",
		},
	})
}
