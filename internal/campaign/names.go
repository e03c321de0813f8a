package campaign

// nameFields checks a name_fields: setting (org.yaml or a campaign file).
func (c *checker) nameFields(n *NameFields) {
	if *n == "" && c.seen(n) && !c.l.hasErrorAt(c.at(n)) {
		c.errorf(c.at(n), "'name_fields' is empty — write one (a single name field, the default) or split (given name and family name apart), or remove name_fields:")
		return
	}
	c.enum(string(*n), n, "name_fields", []string{string(NameFieldsOne), string(NameFieldsSplit)})
}

// Split reports whether a campaign with setting n in org asks for given and
// family names apart: the campaign's own setting, else the organisation's,
// else one field.
func (n NameFields) Split(org *Org) bool {
	if n == "" && org != nil {
		n = org.NameFields
	}
	return n == NameFieldsSplit
}

// splitNames tells the signing forms of camp (petitions and letters)
// whether they ask for the name in two fields.
func splitNames(o *Org, camp *Campaign) {
	split := camp.NameFields.Split(o)
	for i := range camp.Actions {
		a := &camp.Actions[i]
		switch {
		case a.Petition != nil:
			a.Petition.Fields.SplitNames = split
		case a.Letter != nil:
			a.Letter.Fields.SplitNames = split
		}
	}
}
