package i18n

// Strings of the security review: the confirmation email of a supporter's
// message to a decision-maker repeats none of the words typed on the form
// (anyone may type any address there), so it says the message is shown
// behind the button.
func init() {
	extend(map[string]map[string]string{
		"en": {"contact.mail.confirm.open": "Someone asked to send a message to {name} from this address. Press the button to read it and send it."},
		"fr": {"contact.mail.confirm.open": "Quelqu’un a demandé à envoyer un message à {name} depuis cette adresse. Appuyez sur le bouton pour le lire et l’envoyer."},
		"de": {"contact.mail.confirm.open": "Jemand möchte von dieser Adresse eine Nachricht an {name} senden. Drücken Sie die Schaltfläche, um sie zu lesen und zu senden."},
		"es": {"contact.mail.confirm.open": "Alguien pidió enviar un mensaje a {name} desde esta dirección. Pulsa el botón para leerlo y enviarlo."},
		"ar": {"contact.mail.confirm.open": "طلب أحدهم إرسال رسالة إلى {name} من هذا العنوان. اضغط على الزر لقراءتها وإرسالها."},
		"he": {"contact.mail.confirm.open": "מישהו ביקש לשלוח הודעה אל {name} מהכתובת הזו. לחצו על הכפתור כדי לקרוא אותה ולשלוח אותה."},
	})
}
