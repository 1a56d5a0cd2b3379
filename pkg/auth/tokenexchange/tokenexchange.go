package tokenexchange

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Token type and grant type identifiers from RFC 8693 §3 and §2.1.
const (
	GrantType            = "urn:ietf:params:oauth:grant-type:token-exchange"
	TokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token"
)

// Config describes one token exchange: where, as whom, for what.
type Config struct {
	// TokenURL is the authorization server's token endpoint.
	TokenURL string
	// ClientID and ClientSecret authenticate the exchanging client (HTTP Basic).
	ClientID     string
	ClientSecret string
	// Audience and Scopes describe the token wanted (both optional).
	Audience string
	Scopes   []string
	// SubjectTokenType is the type of the token exchanged (default access_token).
	SubjectTokenType string
}

// Token is an exchanged token.
type Token struct {
	AccessToken string
	TokenType   string
	// Expiry is when the token expires (zero when the server did not say).
	Expiry time.Time
}

// Error is an error response of the token endpoint (RFC 6749 §5.2).
type Error struct {
	Status      int
	Code        string
	Description string
	URI         string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("token exchange refused (HTTP %d): %s", e.Status, e.Code)
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.URI != "" {
		msg += " (see " + e.URI + ")"
	}
	return msg
}

// ErrNoSubjectToken is returned when there is no token to exchange.
var ErrNoSubjectToken = errors.New("token exchange: no subject token (the caller is not authenticated with a bearer token)")

// maxResponse bounds the token endpoint's answer read into memory.
const maxResponse = 1 << 20

// Validate reports what is missing from c.
func (c Config) Validate() error {
	var errs []error
	u, err := url.Parse(c.TokenURL)
	if c.TokenURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("token exchange: tokenUrl %q must be an absolute http(s) URL", c.TokenURL))
	}
	if c.ClientID == "" {
		errs = append(errs, errors.New("token exchange: clientId is required"))
	}
	if c.ClientSecret == "" {
		errs = append(errs, errors.New("token exchange: client secret is empty"))
	}
	return errors.Join(errs...)
}

// form returns the request body of an exchange of subject (RFC 8693 §2.1).
func (c Config) form(subject string) url.Values {
	v := url.Values{
		"grant_type":           {GrantType},
		"subject_token":        {subject},
		"subject_token_type":   {c.SubjectTokenType},
		"requested_token_type": {TokenTypeAccessToken},
	}
	if c.SubjectTokenType == "" {
		v.Set("subject_token_type", TokenTypeAccessToken)
	}
	if c.Audience != "" {
		v.Set("audience", c.Audience)
	}
	if len(c.Scopes) > 0 {
		v.Set("scope", strings.Join(c.Scopes, " "))
	}
	return v
}

// Exchange trades subject for a token at c.TokenURL, without caching.
func Exchange(ctx context.Context, hc *http.Client, c Config, subject string, now time.Time) (*Token, error) {
	if subject == "" {
		return nil, ErrNoSubjectToken
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.TokenURL, strings.NewReader(c.form(subject).Encode()))
	if err != nil {
		return nil, fmt.Errorf("token exchange: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	// RFC 6749 §2.3.1: the client id and secret are form-encoded before Basic encoding.
	req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("token exchange: calling %s: %w", c.TokenURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("token exchange: reading the answer of %s: %w", c.TokenURL, err)
	}
	return parse(resp.StatusCode, resp.Header.Get("Content-Type"), body, now)
}

// parse interprets a token endpoint answer (RFC 8693 §2.2, RFC 6749 §5.2).
func parse(status int, contentType string, body []byte, now time.Time) (*Token, error) {
	var r struct {
		AccessToken      string          `json:"access_token"`
		TokenType        string          `json:"token_type"`
		ExpiresIn        json.Number     `json:"expires_in"`
		IssuedTokenType  string          `json:"issued_token_type"`
		Error            string          `json:"error"`
		ErrorDescription string          `json:"error_description"`
		ErrorURI         string          `json:"error_uri"`
		Scope            json.RawMessage `json:"scope"`
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if err := json.Unmarshal(body, &r); err != nil {
		if status != http.StatusOK {
			return nil, &Error{Status: status, Code: "invalid_response", Description: fmt.Sprintf("non-JSON answer (%s): %.200s", mt, body)}
		}
		return nil, fmt.Errorf("token exchange: answer is not JSON (%s): %w", mt, err)
	}
	if status != http.StatusOK || r.Error != "" {
		code := r.Error
		if code == "" {
			code = "unknown_error"
		}
		return nil, &Error{Status: status, Code: code, Description: r.ErrorDescription, URI: r.ErrorURI}
	}
	if r.AccessToken == "" {
		return nil, errors.New("token exchange: answer has no access_token")
	}
	if r.TokenType != "" && !strings.EqualFold(r.TokenType, "Bearer") && !strings.EqualFold(r.TokenType, "N_A") {
		return nil, fmt.Errorf("token exchange: token_type %q is not supported (want Bearer)", r.TokenType)
	}
	t := &Token{AccessToken: r.AccessToken, TokenType: r.TokenType}
	if r.ExpiresIn != "" {
		secs, err := r.ExpiresIn.Int64()
		if err != nil || secs < 0 {
			return nil, fmt.Errorf("token exchange: expires_in %q is not a non-negative integer", r.ExpiresIn)
		}
		t.Expiry = now.Add(time.Duration(secs) * time.Second)
	}
	return t, nil
}

// hashToken identifies a subject token in the cache without keeping it.
func hashToken(s string) [sha256.Size]byte { return sha256.Sum256([]byte(s)) }
