package store

import "context"

// LinkSecret keeps the installation's personal-link secret: the key of
// the keyed hash that names a personal link's public token after its
// private key (attribution.Links). Both engines implement it; web.New
// reads it once.
type LinkSecret interface {
	// LinkSecret returns the installation's 32-byte link secret from the
	// settings table, creating it from crypto/rand on first use. Every
	// instance sharing the database gets the same one, whichever created
	// it (the first one written is kept), and it never changes: a changed
	// secret would name other tokens for the keys already handed out.
	LinkSecret(ctx context.Context) ([]byte, error)
}
