package site

// under reports whether the address p belongs to the organisation slug.
func under(p, slug string) bool { return owner(p) == slug }
