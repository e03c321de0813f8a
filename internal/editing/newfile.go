package editing

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	_ "image/jpeg" // the header check reads JPEG
	_ "image/png"  // and PNG
	"io/fs"
	"slices"

	_ "golang.org/x/image/webp" // and WebP

	"github.com/placard/placard/internal/imagesizes"
	"github.com/placard/placard/internal/scaffold"
)

// NewCampaign writes a new draft campaign slug of the given kind (one of
// scaffold.Kinds) from the same scaffold as `placard new`, through the same
// check and atomic write as a save. An existing file is never replaced
// (ErrExists).
func (w *Workspace) NewCampaign(ctx context.Context, org, slug, kind string, a Author) (Doc, Saved, error) {
	name := slug + ".yaml"
	if !ValidName(name) || name == "org.yaml" {
		return Doc{}, Saved{}, ErrBadName
	}
	if !slices.Contains(scaffold.Kinds(), kind) {
		return Doc{}, Saved{}, ErrBadKind
	}
	orgDoc, err := w.Open(org, "org.yaml")
	if err != nil {
		return Doc{}, Saved{}, err
	}
	text, err := scaffold.Campaign(org, scaffold.OrgName([]byte(orgDoc.Text), org), slug, kind, w.now())
	if err != nil {
		return Doc{}, Saved{}, err
	}
	saved, err := w.Save(ctx, Save{Org: org, Name: name, Text: text, Author: a, Why: "created"})
	if err != nil {
		return Doc{}, Saved{}, err
	}
	return Doc{Org: org, Name: name, Text: text, Version: saved.Version}, saved, nil
}

// Errors for new files.
var (
	// ErrBadName is a campaign name that cannot be a web address.
	ErrBadName = errors.New("editing: a campaign's name can only use lower-case letters a–z, digits and single hyphens")
	// ErrBadKind is a kind that is not one of scaffold.Kinds.
	ErrBadKind = errors.New("editing: unknown kind of campaign")
	// ErrPicture is an upload that is not a JPEG, PNG or WebP picture.
	ErrPicture = errors.New("editing: only JPEG, PNG and WebP pictures can be uploaded")
	// ErrPixels is a picture of more than imagesizes.MaxPixels pixels.
	ErrPixels = errors.New("editing: the picture has too many pixels")
)

// MaxPictureSize is the largest picture that can be uploaded.
const MaxPictureSize = 10 << 20

// AssetsDir is the folder, inside an organisation's, that uploads go to.
const AssetsDir = "assets"

// Upload stores a picture under the organisation's assets folder and
// returns its path as a campaign file names it (assets/NAME). The type is
// read from the bytes (JPEG, PNG or WebP only; the name and the browser's
// word are ignored), the size is capped, the pixel count is read from the
// header before anything is decoded, and the file name is made from the
// content's hash, so no name an organiser types reaches the disk and the
// same picture uploaded twice is one file.
func (w *Workspace) Upload(ctx context.Context, org string, data []byte, a Author) (string, error) {
	if len(data) > MaxPictureSize {
		return "", ErrTooLarge
	}
	ext, err := pictureType(data)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	name := AssetsDir + "/upload-" + hex.EncodeToString(sum[:8]) + ext
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.orgRoot(org)
	if err != nil {
		return "", err
	}
	defer r.Close()
	if fi, err := r.Lstat(AssetsDir); err == nil && !fi.IsDir() {
		return "", ErrNotFound // a file or link called assets: not ours to replace
	} else if err != nil {
		if err := r.Mkdir(AssetsDir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	if _, err := r.Lstat(name); err == nil {
		return name, nil // the same bytes are already there
	}
	if err := writeAtomic(r, name, data, true); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	var out Saved
	w.after(ctx, &out, org, []string{name}, a, "uploaded")
	return name, nil
}

// pictureType sniffs data and checks its header: the file extension for a
// JPEG, PNG or WebP picture within imagesizes.MaxPixels.
func pictureType(data []byte) (string, error) {
	var ext string
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		ext = ".jpg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		ext = ".png"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		ext = ".webp"
	default:
		return "", ErrPicture
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "."+format != ext && !(format == "jpeg" && ext == ".jpg") {
		return "", ErrPicture
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > imagesizes.MaxPixels {
		return "", ErrPixels
	}
	return ext, nil
}
