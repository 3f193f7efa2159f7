//! A redelivered input (the same Discord message or interaction id) changes nothing.
use gamebot::domain::game::Mode;

use crate::helpers::*;

service_test!(
    the_same_message_sent_twice_does_nothing_the_second_time_postgres,
    the_same_message_sent_twice_does_nothing_the_second_time_sqlite,
    |env| async move {
        // An invitation with a chosen name.
        let ann = env.caller(ANN);
        let invite = env.source();
        let first = env
            .service
            .invite(&ann, (BOB, name_of(BOB)), Some(team_name("Twice")), &invite)
            .await
            .unwrap();
        let head = env.head().await;
        let again = env
            .service
            .invite(&ann, (BOB, name_of(BOB)), Some(team_name("Twice")), &invite)
            .await
            .expect("a redelivered invitation is not a second pending one");
        assert!(again.duplicate && !first.duplicate);
        assert_eq!(again.team, first.team);
        assert_eq!(env.head().await, head, "nothing was appended");
        // The acceptance.
        let accept = env.source();
        let formed = env.service.accept(&env.caller(BOB), &accept).await.unwrap();
        let head = env.head().await;
        let again = env.service.accept(&env.caller(BOB), &accept).await.unwrap();
        assert!(again.duplicate && !formed.duplicate);
        assert_eq!(again.team, formed.team);
        assert_eq!(env.head().await, head);
        // Opening a Two Player game.
        let open = env.source();
        let opened = env
            .service
            .open_game(&ann, CHANNEL, options(Mode::TwoPlayer, &[]), &open)
            .await
            .unwrap();
        let head = env.head().await;
        let again = env
            .service
            .open_game(&ann, CHANNEL, options(Mode::TwoPlayer, &[]), &open)
            .await
            .expect("a redelivered open is not a second game");
        assert!(again.duplicate && !opened.duplicate);
        assert_eq!(again.game_id, opened.game_id);
        assert_eq!(env.head().await, head);
        // An answer.
        let mut accepted = None;
        for word in ["apple", "river", "garden"] {
            let answer = env.source();
            // A word of the dealt pair is refused; the next one is accepted.
            if let Ok(answered) = env.service.answer(ANN, word, &answer).await {
                accepted = Some((word, answer, answered));
                break;
            }
        }
        let (word, answer, answered) = accepted.expect("one of three words is accepted");
        let head = env.head().await;
        assert!(head > 0, "the appended head is known");
        let again = env.service.answer(ANN, word, &answer).await.expect("not answered twice");
        assert!(again.duplicate && !answered.duplicate);
        assert_eq!(again.events, answered.events);
        assert_eq!(env.head().await, head);
        // A rename.
        let rename = env.source();
        env.service.rename(&env.caller(BOB), team_name("Thrice"), &rename).await.unwrap();
        let head = env.head().await;
        let again =
            env.service.rename(&env.caller(BOB), team_name("Thrice"), &rename).await.unwrap();
        assert!(again.duplicate);
        assert_eq!(env.head().await, head);
    }
);
