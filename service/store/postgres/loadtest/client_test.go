package loadtest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// container is the catalog the load appends to.
const container = protocol.CatalogCredential

// account is an account with a connected device.
type account struct {
	cred *protocol.Credential
}

// client is one concurrent client; it sends its transactions to the nodes
// in turn and, when a node fails, to the next.
type client struct {
	id        int
	acct      *account
	acctIndex int
	nodes     []*protocol.Client
	st        *stats
}

// transact appends the client's i-th entry. After a failed attempt it
// looks for the entry (the attempt may have committed before the node or
// the connection died) and retries on the next node only if it is not
// there, so no entry is written twice.
func (c *client) transact(t *testing.T, i int) error {
	env, err := dare.Seal([]byte(fmt.Sprintf("client %d entry %d", c.id, i)),
		&dare.EncodeOptions{ContentMeta: &dare.ContentMeta{Event: catalog.EventNew, UniqueID: fmt.Sprintf("c%d-%d", c.id, i)}})
	if err != nil {
		return err
	}
	req := &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{{
		ContainerStatus: protocol.ContainerStatus{Container: container}, Envelopes: []jsonb.Raw{env}}}}
	t0 := time.Now()
	node := c.id + i
	for attempt := 0; attempt < 20; attempt++ {
		cl := c.nodes[(node+attempt)%len(c.nodes)]
		resp, err := cl.Transact(ctx, c.acct.cred, req)
		if err == nil {
			if len(resp.Entries) != 1 {
				return fmt.Errorf("Transact answered %d entries for 1", len(resp.Entries))
			}
			c.record(t0, resp.Entries[0].IndexContainer, env, false)
			return nil
		}
		c.st.mu.Lock()
		c.st.errors++
		c.st.mu.Unlock()
		time.Sleep(200 * time.Millisecond)
		idx, found, ferr := c.find(c.nodes[(node+attempt+1)%len(c.nodes)], env)
		if ferr != nil {
			continue // the other node is down too: try again
		}
		if found {
			c.record(t0, idx, env, true)
			return nil
		}
	}
	return fmt.Errorf("no node took the entry after 20 attempts")
}

func (c *client) record(t0 time.Time, index int64, env []byte, recovered bool) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	c.st.latencies = append(c.st.latencies, time.Since(t0))
	c.st.acks = append(c.st.acks, ack{account: c.acctIndex, index: index, sum: sha256.Sum256(env)})
	if recovered {
		c.st.recovered++
	}
}

// find looks for env in the account's container.
func (c *client) find(cl *protocol.Client, env []byte) (int64, bool, error) {
	envs, err := c.acct.download(cl, 0)
	if err != nil {
		return 0, false, err
	}
	for i, e := range envs {
		if bytes.Equal(e, env) {
			return int64(i), true, nil
		}
	}
	return 0, false, nil
}

// download returns the container's entries from index from on.
func (a *account) download(cl *protocol.Client, from int64) ([][]byte, error) {
	var out [][]byte
	for {
		resp, err := cl.Download(ctx, a.cred, &protocol.DownloadRequest{Select: []protocol.ConstraintsSelect{{Container: container, IndexMin: from}}})
		if err != nil {
			return nil, err
		}
		if len(resp.Updates) != 1 {
			return nil, fmt.Errorf("Download answered %d containers for 1", len(resp.Updates))
		}
		for _, e := range resp.Updates[0].Envelopes {
			out = append(out, e)
		}
		if len(resp.Updates[0].Envelopes) == 0 {
			return out, nil
		}
		from += int64(len(resp.Updates[0].Envelopes))
	}
}

// newAccount binds an account and connects a device to it (protocol.md
// F1), returning the device's connection credential.
func newAccount(t *testing.T, c *protocol.Client, address string) *account {
	t.Helper()
	sec, err := profile.NewAccount(nil)
	if err != nil {
		t.Fatal(err)
	}
	env, err := sec.SignedProfileUser(address, c.Service().UDF, nil)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := sec.CommonAuthentication()
	if err != nil {
		t.Fatal(err)
	}
	acred, err := protocol.NewAccountCredential(sec.UDF(), ca)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.BindAccount(ctx, acred, &protocol.BindRequest{AccountAddress: address, EnvelopedProfileAccount: env})
	if err != nil {
		t.Fatal(err)
	}
	var ha profile.AccountHostAssignment
	if _, err := profile.OpenAs(resp.EnvelopedAccountHostAssignment, nil, profile.TagAccountHostAssignment, &ha); err != nil {
		t.Fatal(err)
	}
	access, err := ha.AccessEncrypt.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := profile.NewDevice(nil)
	if err != nil {
		t.Fatal(err)
	}
	pd, err := ds.ProfileDevice("")
	if err != nil {
		t.Fatal(err)
	}
	dc, err := sec.ConnectDevice(pd, []string{"web"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pu, err := profile.VerifyProfileUser(env)
	if err != nil {
		t.Fatal(err)
	}
	act, err := ds.Accept(pu, &dc.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	storeKey, err := sec.StoreKey(protocol.CatalogAccess)
	if err != nil {
		t.Fatal(err)
	}
	ac := catalog.NewAccessCapability(act.Authentication().Public().Fingerprint(), dc.Roles, nil, "")
	aenv, err := profile.Seal(ac, &profile.SealOptions{Recipients: []keys.PublicKey{access, storeKey.Public()},
		UniqueID: ac.PrimaryKey(), Event: catalog.EventNew})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Transact(ctx, acred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{{
		ContainerStatus: protocol.ContainerStatus{Container: protocol.CatalogAccess}, Envelopes: []jsonb.Raw{aenv}}}}); err != nil {
		t.Fatal(err)
	}
	cred, err := protocol.NewConnectionCredential(sec.UDF(), dc.Envelopes.ConnectionService, act.Authentication())
	if err != nil {
		t.Fatal(err)
	}
	return &account{cred: cred}
}
