package config

// validateDelegation checks where token_exchange can work: it exchanges each
// client's own token, so it needs OIDC incoming auth (a token to exchange) and a
// per-client backend session, which a stdio backend (one shared subprocess) lacks.
func (c *Config) validateDelegation(p *problems) {
	o := c.OutgoingAuth
	if o == nil {
		return
	}
	uses := o.Default != nil && o.Default.Type == BackendAuthTokenExchange
	for _, s := range o.Backends {
		uses = uses || s.Type == BackendAuthTokenExchange
	}
	if !uses {
		return
	}
	if c.IncomingAuth == nil || c.IncomingAuth.Type != IncomingAuthOIDC {
		p.add("outgoingAuth", "token_exchange needs incomingAuth type oidc: it exchanges the client's bearer token")
	}
	for i, b := range c.Backends {
		if b.Transport != TransportStdio {
			continue
		}
		s, own := o.Backends[b.Name]
		path := "outgoingAuth.backends." + b.Name
		if !own {
			if o.Default == nil {
				continue
			}
			s, path = *o.Default, "outgoingAuth.default"
		}
		if s.Type == BackendAuthTokenExchange {
			p.add(path+".type", "token_exchange cannot be used for stdio backend %q (backends[%d]): its one session is shared by all clients, so no per-client token can be exchanged; give it its own strategy", b.Name, i)
		}
	}
}
