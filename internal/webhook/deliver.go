package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
)

// The Standard Webhooks headers every delivery carries.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretKey turns a secret as kept in the environment into HMAC key bytes:
// a Standard Webhooks secret ("whsec_" and base64) is decoded; any other
// value is used as it is.
func SecretKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, "whsec_"); ok {
		if k, err := base64.StdEncoding.DecodeString(rest); err == nil {
			return k
		}
	}
	return []byte(secret)
}

// Sign returns the webhook-signature value for a delivery: "v1," and the
// base64 HMAC-SHA256, keyed by key, of id "." timestamp "." body.
func Sign(key []byte, id string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, timestamp, 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks a delivery as a receiver does: one of the space-separated
// signatures in h's webhook-signature matches body, and the timestamp is
// within tolerance of now. Receivers written in Go may use it; the guide
// shows the same in other languages.
func Verify(key []byte, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, ts := h.Get(HeaderID), h.Get(HeaderTimestamp)
	if id == "" || ts == "" || h.Get(HeaderSignature) == "" {
		return errors.New("missing webhook headers")
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("bad webhook-timestamp")
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook-timestamp too far from now")
	}
	want := Sign(key, id, t, body)
	for _, got := range strings.Fields(h.Get(HeaderSignature)) {
		if hmac.Equal([]byte(got), []byte(want)) {
			return nil
		}
	}
	return errors.New("no matching signature")
}

// Deliverer posts webhook and OSDI messages (kinds signing.MessageWebhook
// and signing.MessageOSDI). Secrets and keys are read from the
// environment at each delivery, never stored with the message.
type Deliverer struct {
	// Client makes the calls: NewClient(policy).
	Client *http.Client
	// Policy is the client's policy, also checked against each URL.
	Policy Policy
	// Org returns an organisation's current settings by slug (nil when it
	// is gone), so an endpoint removed from org.yaml stops receiving.
	Org func(slug string) *campaign.Org
	// Getenv reads the environment (os.Getenv). It is only ever asked for
	// a name campaign.SecretEnvAllowed accepts for the message's
	// organisation.
	Getenv func(string) string
	// SecretEnv is the operator's list of variables any organisation may
	// name besides its own PLACARD_ORG_<SLUG>__… (--secret-env).
	SecretEnv []string
	// Now is the clock for webhook-timestamp (time.Now).
	Now func() time.Time
	// Consent, when set, reports whether m's signer still gives
	// permission to be contacted and their signature still counts
	// (ConsentFrom). An OSDI record — which subscribes the person to the
	// organisation's list — is sent only while both hold: it waits in
	// the outbox, for up to 48 hours and, dead, until an operator
	// retries it, and meanwhile the supporter may have withdrawn their
	// permission on their data page, or the organisers rejected the
	// signature. A message queued before its campaign was renamed is
	// asked about under the old name, then the new one (org.yaml
	// redirects), so it is not dropped for a signature that moved.
	Consent func(ctx context.Context, m signing.Message) (bool, error)
	// Earlier, when set, reports whether a message made before m to the
	// same receiver about the same person is still waiting or being
	// delivered (store.OutboxOrder.Earlier). m then waits — the attempt
	// ends in outbox.Held, to be tried again later and never given up
	// for its age while it waits — so the receiver hears of
	// one person in the order things happened: a signature.created
	// retried for an hour is not overtaken by the withdrawal, rejection
	// or erasure that followed it.
	Earlier func(ctx context.Context, m signing.Message) (bool, error)
	// Loaded, when set, is when the files Org reads were read (serve's
	// last good load). Instances on one database read their files each
	// at its own reload, so a message queued after that to a receiver
	// these files lack may be of newer files another instance read first
	// (an organisation or a webhook just added): it is tried again
	// (ErrNotLoaded) for up to NotLoadedFor, not given up; nil gives it
	// up at once.
	Loaded func() time.Time
}

// ErrNotLoaded is a message's failure when its receiver is not in this
// server's org.yaml, read before the message was queued: another
// instance, or this one reloaded, may have it. Tried again.
var ErrNotLoaded = errors.New("not in this server's org.yaml, read before the message was queued; tried again, as another server, or this one after a reload, may have it")

// NotLoadedFor is how long after its queueing a message whose receiver
// this server's files lack (ErrNotLoaded) is tried again before it is
// given up, as one to a receiver removed from org.yaml is.
const NotLoadedFor = time.Hour

// notInFiles is the error for m, whose receiver (what to host) the
// organisation's org.yaml does not name: permanent, unless these files
// may be older than m (Loaded; a minute allowed for the clocks).
func (d *Deliverer) notInFiles(m signing.Message, what, host string) error {
	if d.Loaded != nil {
		queued, ok := signing.MessageTime(m.ID)
		now := time.Now()
		if d.Now != nil {
			now = d.Now()
		}
		if ok && queued.After(d.Loaded().Add(-time.Minute)) && now.Sub(queued) < NotLoadedFor {
			return fmt.Errorf("%s to %s: %w", what, host, ErrNotLoaded)
		}
	}
	return d.unconfigured(m, fmt.Errorf("%s to %s: no longer in the organisation's org.yaml", what, host))
}

// waitsFor reports, as an attempt's error, that m waits for an earlier
// message about the same person to the same receiver (Deliverer.Earlier).
func (d *Deliverer) waitsFor(ctx context.Context, m signing.Message, what, host string) error {
	if d.Earlier == nil {
		return nil
	}
	earlier, err := d.Earlier(ctx, m)
	if err != nil {
		return fmt.Errorf("%s to %s: reading what is still to be sent before it: %v", what, host, err)
	}
	if earlier {
		return outbox.Held(fmt.Errorf("%s to %s: waiting for an earlier message about the same signer to be delivered first", what, host))
	}
	return nil
}

// ConsentFrom is a Deliverer.Consent reading the signer's signatures on
// the organisation's campaigns (store.Mail.Supporter): permission holds
// while the signature of m's campaign counts (Counts) and carries it. An
// erased signature gives none.
func ConsentFrom(supporter func(ctx context.Context, org, email string) ([]signing.Signature, error)) func(context.Context, signing.Message) (bool, error) {
	return func(ctx context.Context, m signing.Message) (bool, error) {
		sigs, err := supporter(ctx, m.Org, m.Email)
		if err != nil {
			return false, err
		}
		for _, s := range sigs {
			if s.Campaign == m.Campaign && Counts(&s) && !s.ContactAt.IsZero() {
				return true, nil
			}
		}
		return false, nil
	}
}

// consents asks d.Consent about m under its campaign's name, then, when
// org.yaml redirects that name (the campaign was renamed after m was
// queued), under the name it redirects to.
func (d *Deliverer) consents(ctx context.Context, o *campaign.Org, m signing.Message) (bool, error) {
	ok, err := d.Consent(ctx, m)
	if ok || err != nil {
		return ok, err
	}
	for _, r := range o.Redirects {
		if r.From == m.Campaign && r.To != m.Campaign {
			m.Campaign = r.To
			return d.Consent(ctx, m)
		}
	}
	return false, nil
}

var _ outbox.Deliverer = (*Deliverer)(nil)

// Deliver posts m to its Target. It names the receiver by host only in
// its errors, never with the message's contents.
func (d *Deliverer) Deliver(ctx context.Context, m signing.Message) error {
	o := d.Org(m.Org)
	u, err := d.Policy.CheckURL(m.Target)
	if err != nil {
		return outbox.Permanent(err)
	}
	host := u.Host
	var req *http.Request
	switch m.Kind {
	case signing.MessageWebhook:
		env := ""
		if o != nil {
			for _, w := range o.Webhooks {
				if strings.TrimSpace(w.URL) == m.Target {
					env = strings.TrimSpace(w.SecretEnv)
				}
			}
		}
		if env == "" {
			return d.notInFiles(m, "webhook", host)
		}
		if !campaign.SecretEnvAllowed(m.Org, env, d.SecretEnv) {
			return outbox.Permanent(fmt.Errorf("webhook to %s: secret_env names neither one of the organisation's own variables (%s…) nor one on --secret-env, never read", host, campaign.OrgEnvPrefix(m.Org)))
		}
		secret := d.Getenv(env)
		if secret == "" {
			return fmt.Errorf("webhook to %s: the environment variable %s is not set", host, env)
		}
		if err := d.waitsFor(ctx, m, "webhook", host); err != nil {
			return err
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(m.Payload))
		if err != nil {
			return outbox.Permanent(fmt.Errorf("webhook to %s: %v", host, err))
		}
		ts := d.Now().Unix()
		req.Header.Set(HeaderID, m.ID)
		req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		req.Header.Set(HeaderSignature, Sign(SecretKey(secret), m.ID, ts, m.Payload))
	case signing.MessageOSDI:
		if o == nil || o.OSDI == nil || strings.TrimSpace(o.OSDI.URL) != m.Target {
			return d.notInFiles(m, "OSDI record", host)
		}
		env := strings.TrimSpace(o.OSDI.APIKeyEnv)
		if !campaign.SecretEnvAllowed(m.Org, env, d.SecretEnv) {
			return outbox.Permanent(fmt.Errorf("OSDI record to %s: api_key_env names neither one of the organisation's own variables (%s…) nor one on --secret-env, never read", host, campaign.OrgEnvPrefix(m.Org)))
		}
		key := d.Getenv(env)
		if key == "" {
			return fmt.Errorf("OSDI record to %s: the environment variable %s is not set", host, env)
		}
		if err := d.waitsFor(ctx, m, "OSDI record", host); err != nil {
			return err
		}
		// A record that unsubscribes the person is the withdrawal
		// itself: it goes without the permission it takes away.
		if d.Consent != nil && !unsubscribes(m.Payload) {
			ok, err := d.consents(ctx, o, m)
			if err != nil {
				return fmt.Errorf("OSDI record to %s: reading the signer's permission: %v", host, err)
			}
			if !ok {
				// Withdrawn, rejected or erased since: nothing to
				// send, and nothing to keep.
				return nil
			}
		}
		// An unsubscribe goes to Action Network's person signup helper
		// beside the petition (unsubscribeURL); its Target stays the
		// petition's, which orders it after the person's earlier records
		// (store.OutboxOrder).
		// An unsubscribe queued before that (the record signature
		// helper's shape, its signature identifier beside the person)
		// goes as the person alone all the same (personSignup).
		to, body := u, m.Payload
		if unsubscribes(m.Payload) {
			if v, ok := unsubscribeURL(u); ok {
				to, body = v, personSignup(m.Payload)
			}
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, to.String(), bytes.NewReader(body))
		if err != nil {
			return outbox.Permanent(fmt.Errorf("OSDI record to %s: %v", host, err))
		}
		req.Header.Set("OSDI-API-Token", key)
		// The same id on every attempt, for receivers that drop repeats.
		req.Header.Set("Idempotency-Key", m.ID)
	default:
		return outbox.Permanent(fmt.Errorf("not a webhook or OSDI message (%q)", m.Kind))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Placard-Webhooks/1")
	// The last moment before the event leaves: one whose person was
	// erased on any instance since the worker claimed it (or taken over
	// by another worker) goes to no one, so the CRM never hears of the
	// signature after, or racing, its erasure notice (outbox.StillHeld).
	if err := outbox.StillHeld(ctx, m.ID); err != nil {
		return err
	}
	resp, err := d.Client.Do(req)
	if err != nil {
		if errors.Is(err, ErrRefusedAddress) {
			return outbox.Permanent(fmt.Errorf("%s: %w", host, ErrRefusedAddress))
		}
		return fmt.Errorf("%s: %v", host, describe(err))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	if (resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnprocessableEntity) &&
		m.Kind == signing.MessageOSDI && unsubscribesUnicode(m.Payload) {
		// The list refuses a Unicode domain, so it never held the person
		// under this spelling: nothing to unsubscribe, nothing to keep.
		return nil
	}
	return statusError(host, resp.StatusCode)
}

// describe words a transport error without the URL (which net/http puts
// in every error, query string and all) or a repeat of the host: "connect:
// connection refused", "no answer in time".
func describe(err error) string {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return "no answer in time"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Op + ": " + op.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

// statusError maps a receiver's status to the outbox's outcomes: 2xx
// delivered; 410 Gone, a redirect (not followed), and 400, 401, 403, 404,
// 413 or 422 — the receiver refuses this message — failed for good (an
// operator can retry it with placard outbox retry once fixed); anything
// else tried again later.
func statusError(host string, code int) error {
	switch {
	case code >= 200 && code < 300:
		return nil
	case code >= 300 && code < 400:
		return outbox.Permanent(fmt.Errorf("%s answered %d, a redirect, which is not followed; write the final address in org.yaml", host, code))
	case code == 400, code == 401, code == 403, code == 404, code == 410, code == 413, code == 422:
		return outbox.Permanent(fmt.Errorf("%s answered %d", host, code))
	default:
		return fmt.Errorf("%s answered %d", host, code)
	}
}

// unconfigured is the outcome of m, whose receiver is not in its
// organisation's org.yaml as served now (taken out, or the organisation
// not served), err saying so. A message about a signer is refused for
// good: nothing waits for a receiver the organisation dropped. An
// erasure's notice (erasureNotice) waits instead, tried again hourly
// within the outbox's maximum age, as an erasure note whose organisation
// is not served waits (NoteDeliverer): a reload that briefly missed the
// organisation, or a receiver taken out of org.yaml and put back, must
// not leave the CRM holding a person erased here. It is sent only once
// the receiver is configured again, never to one that is not.
func (d *Deliverer) unconfigured(m signing.Message, err error) error {
	if !erasureNotice(m) {
		return outbox.Permanent(err)
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	return outbox.Later(now().Add(unservedRetry), fmt.Errorf("%v: this erasure notice waits for it to be configured again", err))
}

// erasureNotice reports whether m is an erasure's notice: filed under no
// address (Erased, erasedFor), a signature.erased webhook or an
// unsubscribe.
func erasureNotice(m signing.Message) bool {
	if m.Email != "" {
		return false
	}
	switch m.Kind {
	case signing.MessageWebhook:
		var e struct {
			Type string `json:"type"`
		}
		return json.Unmarshal(m.Payload, &e) == nil && e.Type == campaign.EventSignatureErased
	case signing.MessageOSDI:
		return unsubscribes(m.Payload)
	}
	return false
}
